#pragma once
// Every decision that depends on the device, made once from its properties and
// readable by ops and plans: which kernel family and tile threshold, workgroup
// width, Winograd, memory path, precision, the buffer limits a tensor must fit.
// Each can be forced (--device-profile, --precision, RESVK_DEVICE_PROFILE,
// RESVK_PRECISION, RESVK_FORCE_STAGING) so that a CPU driver such as lavapipe
// runs in CI exactly what a GPU runs for users.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <vector>

namespace resvk::vk {

// Which family of kernels and tiles the device gets.
// Cpu: few wide threads where every fetch is costly (lavapipe): one subgroup per
//      workgroup, weights shared by subgroup shuffles, Winograd for 3x3 layers.
// Gpu: thousands of lanes: 64-wide workgroups, plain register tiles.
enum class DeviceProfile { Cpu, Gpu };
// Mapped: compute buffers live in host-visible memory and are written in place.
// Staging: compute buffers are device-local and never mapped; every transfer
//          goes through host-visible staging buffers (what discrete GPUs do).
enum class MemoryPath { Mapped, Staging };
// How tensors (weights and activations) are stored; arithmetic is fp32 in both.
// Fp16: 16-bit storage halves the memory traffic (kernels read RGBA16F texel
//       views and write f16vec4, shaders/include/precision.glsl).
enum class Precision { Fp32, Fp16 };

// What the user asked for; Auto defers to the environment, then to the device.
enum class ProfileRequest { Auto, Cpu, Gpu };
// "auto" | "cpu" | "gpu"; throws std::invalid_argument naming the value otherwise.
ProfileRequest parseProfileRequest(const std::string& text);
enum class PrecisionRequest { Auto, Fp32, Fp16 };
// "auto" | "fp32" | "fp16"; throws std::invalid_argument naming the value otherwise.
PrecisionRequest parsePrecisionRequest(const std::string& text);

struct DeviceTraits {
    DeviceProfile profile = DeviceProfile::Gpu;
    bool profileForced = false;  // by option or environment, not by the device type
    MemoryPath memory = MemoryPath::Mapped;
    bool stagingForced = false;
    // The device computes on the host's CPU cores (a CPU driver such as
    // lavapipe), so host work beside the network, video decoding above all,
    // takes cores from it (video/frame_source.h). RESVK_HOST_CORES=0|1 forces it.
    bool hostCores = false;
    // Video preprocessing's first pass (colour conversion + horizontal resize)
    // runs on the host at upload (video/preprocess_rows_host.h) instead of as a
    // kernel: where the device is the host's cores, plain C++ does that byte
    // gathering in a fraction of the CPU time. hostCores unless
    // RESVK_HOST_PREPROCESS=0|1 forces it.
    bool preprocessRowsOnHost = false;
    Precision precision = Precision::Fp32;
    bool precisionForced = false;
    // Workgroup width of the one-dimensional kernels.
    uint32_t workgroupWidth = 64;
    // Subgroup size the weight-sharing convolution kernels may rely on: nonzero only
    // when the profile wants them, the device shuffles, and the pipeline can pin
    // the subgroup size to the workgroup width (required size + full subgroups).
    uint32_t sharedWeightsSubgroup = 0;
    // Pipelines that depend on the subgroup size get VK_EXT_subgroup_size_control's
    // required size and full subgroups.
    bool canPinSubgroupSize = false;
    // Largest Winograd output tile for 3x3 stride-1 layers: 0 none, 2 F(2x2,3x3),
    // 4 F(4x4,3x3) (ops/winograd.h picks per layer). RESVK_WINOGRAD=0|2|4 forces it.
    int winogradTile = 0;
    // Invocations a convolution must launch before a larger register tile pays off.
    int64_t convTileInvocations = 32768;
    // Convolutions with at most this many output pixels (batch x H x W) put output
    // channels across lanes instead of pixels, so that a classifier (one pixel) or a
    // 7x7 stage still fills the SIMD row / workgroup.
    int64_t channelLanePixels = 0;
    // Padded register-tiled convolutions run as two dispatches: the output pixels
    // whose taps all land inside the input, by a kernel without padding checks,
    // and the frame around them (ops/conv.h). Where a masked fetch costs as much
    // as a taken one (lavapipe) the checks are a quarter of a stride-2 layer.
    // RESVK_SPLIT_PADDED=0|1 forces it.
    bool splitPadded = false;
    // Workgroup order of the pixel-lane convolutions (ops/conv.cpp). Pixels
    // fastest keeps one workgroup's weights in cache while the whole input
    // streams past, once per group of output channels; output channels fastest
    // keeps a block of input in cache while the weights stream past instead. A
    // CPU cache holds a layer's weights far more often than its input, so where
    // the input (of one weight set) is larger than this and than the output,
    // channels go fastest (CPU profile: the host's L2 per core; ResNet-50's
    // 256-channel 1x1 layers at 56x56 took 0.60-0.83x the time, bench/README.md).
    // -1: never (GPU profile, unmeasured there). RESVK_CONV_ORDER=pixels|channels|auto
    // forces it; channelsFirstAlways is "channels", for tests.
    int64_t channelsFirstInputBytes = -1;
    bool channelsFirstAlways = false;
    // Register-tiled convolutions store weights in blocks of this many output
    // channels, channel fastest within a block (shaders/include/conv_register_tile.glsl),
    // so that a subgroup's weight fetches at one step are one contiguous run and
    // the next step's follow: one stream. 1: plain rows, one stream per output
    // channel, which kept lavapipe's batch-1 7x7 Winograd GEMMs waiting on memory.
    // CPU profile 16, GPU profile 1 (unmeasured there). RESVK_WEIGHT_BLOCK=1|2|4|...|64 forces it.
    int weightBlock = 1;
    // The convolutions that share weights or inputs across a pinned subgroup and
    // the Winograd transforms take their workgroups from a queue
    // (vk::KernelKey::tileQueue) instead of a fixed grid, so that a driver which
    // gives each thread a fixed share of a dispatch (lavapipe) keeps all of them
    // busy to its end, also while one core runs slower. CPU profile on, GPU
    // profile off (the hardware schedules workgroups itself). RESVK_TILE_QUEUE=0|1 forces it.
    bool tileQueue = false;
    // Workgroups a queued dispatch launches, of which each of the driver's
    // threads must get one; the ones beyond find the queue empty and return.
    // CPU profile: twice the threads lavapipe runs (LP_NUM_THREADS, else one per
    // CPU): every empty workgroup is a call and an atomic on a shared line, and
    // 256 of them per dispatch cost ResNet-18 batch 1 ~3 ms of ~37 (bench/README.md,
    // 2026-12-08). The GPU profile never queues (no pinned subgroup:
    // ops::Recorder::queuesTiles) and keeps the old 256.
    uint32_t queueWorkgroups = 256;
    // Largest range a kernel may bind: storage buffer bytes, texel buffer texels.
    uint64_t maxStorageBufferRange = 0;
    uint64_t maxTexelBufferElements = 0;

    // GPU convolution kernels (ops/conv_choice.h picks one per layer from these).
    // tiledConv: shared-memory tiled implicit GEMM (gpu profile); splitK: it may
    // split a layer's reduction over several workgroups; coopMat: the NV
    // cooperative-matrix variant (compiled in, extension, fp16 16x16x16 shape).
    // Each can be switched off (RESVK_DISABLE_KERNELS=tiled,splitk,coopmat).
    bool tiledConv = false;
    bool splitK = false;
    bool coopMat = false;
    uint32_t coopMatSubgroup = 0;    // the subgroup size the coopmat kernel pins
    int computeUnits = 0;            // SMs / CUs where an extension reports them, else 0
    uint32_t sharedMemoryBytes = 0;  // maxComputeSharedMemorySize
    uint32_t subgroupSize = 0;
    // Tests and benchmarks: one tile for every tiled layer ("256x64", "128x64",
    // "128x32", "coopmat64x64"; "auto" or empty: chosen per layer; on a CPU
    // device the tiled family runs only when this is set) and the split (0: chosen, 1: never, n: n-way).
    std::string forcedConvTile;
    int forcedSplitK = 0;

    const char* profileName() const { return profile == DeviceProfile::Cpu ? "cpu" : "gpu"; }
    const char* memoryPathName() const { return memory == MemoryPath::Mapped ? "mapped" : "staging"; }
    const char* precisionName() const { return precision == Precision::Fp16 ? "fp16" : "fp32"; }
    // "gpu (forced), staging memory (forced), fp16": for info, bench and --verbose.
    std::string describe() const;
};

// One entry of vkGetPhysicalDeviceCooperativeMatrixPropertiesNV, reduced to
// what the selection compares (component types as VkComponentTypeNV values).
struct CoopMatShape {
    uint32_t m = 0, n = 0, k = 0;
    int a = 0, b = 0, c = 0, d = 0;
    bool subgroupScope = false;
};
// The coopmat kernel's one shape: fp16 A/B, fp32 C/D, 16x16x16, subgroup scope.
bool offersCoopMatKernelShape(const std::vector<CoopMatShape>& shapes);
// Whether this build holds the coopmat kernel (the glslc probe passed).
bool coopMatCompiledIn();

// What the device offers, as makeDeviceTraits needs it.
struct DeviceFacts {
    VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
    VkPhysicalDeviceLimits limits{};
    uint32_t subgroupSize = 0;         // 0: no compute shuffles
    bool subgroupSizeControl = false;  // required size + full subgroups for compute
    uint32_t minSubgroupSize = 0, maxSubgroupSize = 0;
    bool hostVisibleDeviceMemory = false;  // a memory type both device-local and host-visible
    // What fp16 needs: storing 16-bit floats from shaders (storageBuffer16BitAccess)
    // and reading them through RGBA16F uniform and storage texel buffers.
    bool storage16 = false;
    int computeUnits = 0;                  // VK_NV_shader_sm_builtins / VK_AMD_shader_core_properties
    // VK_NV_cooperative_matrix: the feature, fp16 arithmetic, and the shapes offered.
    bool cooperativeMatrix = false;
    bool shaderFloat16 = false;
    std::vector<CoopMatShape> coopMatShapes;
    // A CPU device computes in the host's caches: its L2 per core (0: unknown).
    uint64_t hostL2Bytes = 0;
};

struct TraitOverrides {
    ProfileRequest profile = ProfileRequest::Auto;
    bool forceStaging = false;
    PrecisionRequest precision = PrecisionRequest::Auto;
    // Tests: pretend the device's buffer ranges are at most this many bytes (0: as reported).
    uint64_t maxBufferRange = 0;
    // Tests: kernel families to switch off, as RESVK_DISABLE_KERNELS takes them
    // (the environment's list is added); tile and split as DeviceTraits names them
    // (RESVK_CONV_TILE, RESVK_SPLIT_K where these are left empty / 0).
    std::string disabledKernels;
    std::string convTile;
    int splitK = 0;
    // Tests: pretend the device reports this many compute units (0: as reported).
    int computeUnits = 0;
    // Tests: preprocessRowsOnHost off (0) or on (1); -1: RESVK_HOST_PREPROCESS or the device type.
    int preprocessRowsOnHost = -1;
};

// Reads RESVK_DEVICE_PROFILE (auto|cpu|gpu), RESVK_PRECISION (auto|fp32|fp16),
// RESVK_FORCE_STAGING=1, RESVK_HOST_CORES (0|1), RESVK_HOST_PREPROCESS (0|1), RESVK_WINOGRAD (0|2|4), RESVK_CONV_ORDER
// (pixels|channels|auto), RESVK_WEIGHT_BLOCK (1|2|4|...|64), RESVK_TILE_QUEUE (0|1), RESVK_DISABLE_KERNELS,
// RESVK_CONV_TILE and RESVK_SPLIT_K where the overrides leave the choice open; an
// unknown name or value, or fp16 asked of a device without 16-bit storage, throws
// std::invalid_argument with one line saying so.
DeviceTraits makeDeviceTraits(const DeviceFacts& facts, const TraitOverrides& overrides);

}  // namespace resvk::vk
