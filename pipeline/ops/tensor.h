#pragma once
// GPU tensors as the kernels see them: a buffer slice holding a 4-D (N, C, H, W)
// view in the pack4 layout (see shaders/include/tensor.glsl). Lower ranks append
// trailing 1s, which keeps row-major order, so [N, K] becomes (N, K, 1, 1).
#include <array>
#include <cstdint>
#include <vector>

#include "vk/buffer.h"
#include "vk/command_stream.h"

namespace resvk::ops {

using Shape4 = std::array<int, 4>;

Shape4 view4(const std::vector<int64_t>& shape);
int channelTexels(int channels);      // ceil(C / 4)
int64_t texelCount(const Shape4& s);  // N * ceil(C/4) * H * W
// Bytes of one pack4 texel: 16 (RGBA32F) or 8 (RGBA16F), and its view format.
int64_t texelBytes(vk::Precision precision);
VkFormat texelFormat(vk::Precision precision);
int64_t packedBytes(const Shape4& s, vk::Precision precision);

struct Tensor {
    vk::BufferSlice slice;
    Shape4 shape{1, 1, 1, 1};
};

// Host NCHW floats <-> pack4 texels (padding lanes zero).
std::vector<float> pack4(const float* nchw, const Shape4& shape);
void unpack4(const float* packed, const Shape4& shape, float* nchw);
// The same packing straight into packedBytes(shape, precision) bytes at `dst`
// (mapped device or staging memory), as floats or halves, written in order: no
// intermediate copy, which at batch 32 was most of Engine::run's host time.
void packTexels(const float* nchw, const Shape4& shape, vk::Precision precision, void* dst);

// What every op needs to record: the stream and the device's choices that ops
// read (vk/device_traits.h): workgroup width (one SIMD row = one subgroup on a
// CPU profile, 64 on the GPU profile), whether convolutions may share fetched
// weights across a (pinned) subgroup, when bigger register tiles pay off, and
// when output channels go across lanes, the precision every tensor of the
// plan is stored in, whether padded convolutions split off their frame, and
// which order their workgroups walk.
struct Recorder {
    vk::CommandStream& stream;
    uint32_t localSize = 64;
    uint32_t sharedWeightsSubgroup = 0;  // 0: no subgroup sharing, else == localSize
    int64_t convTileInvocations = 32768;
    int64_t channelLanePixels = 0;
    vk::Precision precision = vk::Precision::Fp32;
    bool splitPadded = false;
    int64_t channelsFirstInputBytes = -1;  // vk::DeviceTraits: -1 never
    bool channelsFirstAlways = false;
    int weightBlock = 1;  // output channels per block of packed convolution weights
    // Subgroup-shared convolutions and Winograd transforms take their workgroups
    // from a queue (vk::KernelKey::tileQueue): only where the device queues and a
    // workgroup is one pinned subgroup (sharedWeightsSubgroup), as a queue needs.
    bool tileQueue = false;

    // The subgroup size a workgroup is pinned to, 0 where none is (or where it
    // is not the workgroup width).
    static uint32_t pinnedSubgroup(const vk::DeviceTraits& traits) {
        return traits.sharedWeightsSubgroup == traits.workgroupWidth ? traits.sharedWeightsSubgroup : 0;
    }
    // Whether this device's recorders take workgroups from queues (tileQueue).
    static bool queuesTiles(const vk::DeviceTraits& traits) { return traits.tileQueue && pinnedSubgroup(traits) != 0; }

    static Recorder forDevice(vk::CommandStream& stream, const vk::DeviceTraits& traits) {
        return {stream,
                traits.workgroupWidth,
                pinnedSubgroup(traits),
                traits.convTileInvocations,
                traits.channelLanePixels,
                traits.precision,
                traits.splitPadded,
                traits.channelsFirstInputBytes,
                traits.channelsFirstAlways,
                traits.weightBlock,
                queuesTiles(traits)};
    }

    // Records a kernel that writes the tensor `output` from the tensors (or
    // packed weights) `inputs`, in this recorder's precision: the kernel's fp16
    // variant and RGBA16F views under fp16, as built under fp32. Ops record
    // through this; only kernels reading non-tensor data (raw frame bytes, a
    // float table) use stream.dispatch with their own formats.
    size_t dispatch(vk::KernelKey key, const vk::BufferSlice& output, const std::vector<vk::BufferSlice>& inputs,
                    const void* push, std::array<uint32_t, 3> groups, uint32_t tileLimit = 0);
    // The kernel to record for `shader` in this precision; throws std::logic_error
    // when an fp16 plan needs a kernel built without an fp16 variant.
    shaders::ShaderId kernel(shaders::ShaderId shader) const;
};

// Workgroups for `invocations` one-dimensional invocations, folded into a 2-D
// grid because a grid dimension may be capped at 65535 groups.
std::array<uint32_t, 3> flatGrid(int64_t invocations, uint32_t localSize);

// Loop iterations a queued workgroup may spend over all its tiles: half of the
// 65535 after which gallivm silently ends an invocation's loops
// (shaders/include/tile_queue.glsl). Recorders turn it into a tile limit.
constexpr int64_t kQueuedLoopIterations = 32768;

}  // namespace resvk::ops
