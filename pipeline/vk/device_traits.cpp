#include "vk/device_traits.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

namespace resvk::vk {

namespace {

// The L2 per core assumed where the host does not say (sysconf): the smaller
// of the CPUs measured (AMD EPYC 512 KiB, Intel Xeon 2 MiB).
constexpr int64_t kUnknownL2Bytes = 512 * 1024;

bool envFlag(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0;
}

// A 0|1 switch that forces a choice: `otherwise` when unset or empty; any other
// value throws, naming the variable.
bool envSwitch(const char* name, bool otherwise) {
    const char* env = std::getenv(name);
    if (!env || !*env) return otherwise;
    const std::string value = env;
    if (value != "0" && value != "1")
        throw std::invalid_argument(std::string(name) + ": '" + value + "' is not 0 or 1");
    return value == "1";
}

// The threads a CPU driver computes on: lavapipe's LP_NUM_THREADS where it is a
// number, else one per CPU (Mesa's default). A guess for other CPU drivers,
// which costs them only idle threads or empty workgroups when wrong.
uint32_t cpuDriverThreads() {
    if (const char* env = std::getenv("LP_NUM_THREADS"); env && *env) {
        char* end = nullptr;
        const long n = std::strtol(env, &end, 10);
        if (!*end && n >= 1 && n <= 1024) return static_cast<uint32_t>(n);
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

// "tiled,coopmat" -> the names, each checked against the families that can be switched off.
std::vector<std::string> kernelList(const std::string& text, const char* origin) {
    static const char* known[] = {"tiled", "splitk", "coopmat"};
    std::vector<std::string> names;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        const std::string name = text.substr(start, comma - start);
        start = comma + 1;
        if (name.empty()) continue;
        if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return name == k; }))
            throw std::invalid_argument(std::string(origin) + ": unknown kernel family '" + name +
                                        "' (tiled, splitk or coopmat)");
        names.push_back(name);
    }
    return names;
}

int splitValue(const char* text) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (!*text || *end || v < 0 || v > 64)
        throw std::invalid_argument(std::string("RESVK_SPLIT_K must be 0 (chosen), 1 (off) or up to 64, got '") + text +
                                    "'");
    return static_cast<int>(v);
}

}  // namespace

bool offersCoopMatKernelShape(const std::vector<CoopMatShape>& shapes) {
    return std::any_of(shapes.begin(), shapes.end(), [](const CoopMatShape& s) {
        return s.m == 16 && s.n == 16 && s.k == 16 && s.a == VK_COMPONENT_TYPE_FLOAT16_NV &&
               s.b == VK_COMPONENT_TYPE_FLOAT16_NV && s.c == VK_COMPONENT_TYPE_FLOAT32_NV &&
               s.d == VK_COMPONENT_TYPE_FLOAT32_NV && s.subgroupScope;
    });
}

bool coopMatCompiledIn() {
#ifdef RESVK_HAVE_COOPMAT
    return true;
#else
    return false;
#endif
}

ProfileRequest parseProfileRequest(const std::string& text) {
    if (text == "auto" || text.empty()) return ProfileRequest::Auto;
    if (text == "cpu") return ProfileRequest::Cpu;
    if (text == "gpu") return ProfileRequest::Gpu;
    throw std::invalid_argument("device profile must be auto, cpu or gpu, got '" + text + "'");
}

PrecisionRequest parsePrecisionRequest(const std::string& text) {
    if (text == "auto" || text.empty()) return PrecisionRequest::Auto;
    if (text == "fp32") return PrecisionRequest::Fp32;
    if (text == "fp16") return PrecisionRequest::Fp16;
    throw std::invalid_argument("precision must be auto, fp32 or fp16, got '" + text + "'");
}

std::string DeviceTraits::describe() const {
    std::string s = profileName();
    if (profileForced) s += " (forced)";
    s += ", ";
    s += memoryPathName();
    s += " memory";
    if (stagingForced) s += " (forced)";
    s += ", ";
    s += precisionName();
    if (precisionForced) s += " (forced)";
    return s;
}

DeviceTraits makeDeviceTraits(const DeviceFacts& facts, const TraitOverrides& overrides) {
    DeviceTraits t;
    ProfileRequest request = overrides.profile;
    if (request == ProfileRequest::Auto) {
        const char* env = std::getenv("RESVK_DEVICE_PROFILE");
        try {
            request = parseProfileRequest(env ? env : "");
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("RESVK_DEVICE_PROFILE: ") + e.what());
        }
    }
    t.profileForced = request != ProfileRequest::Auto;
    const bool cpu = request == ProfileRequest::Cpu ||
                     (request == ProfileRequest::Auto && facts.type == VK_PHYSICAL_DEVICE_TYPE_CPU);
    t.profile = cpu ? DeviceProfile::Cpu : DeviceProfile::Gpu;

    // Discrete GPUs keep compute data in device-only memory (fast, and their
    // host-visible device memory is often a small BAR); shared-memory devices map it.
    t.stagingForced = overrides.forceStaging || envFlag("RESVK_FORCE_STAGING");
    const bool staging =
        t.stagingForced || facts.type == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU || !facts.hostVisibleDeviceMemory;
    t.memory = staging ? MemoryPath::Staging : MemoryPath::Mapped;
    t.hostCores = envSwitch("RESVK_HOST_CORES", facts.type == VK_PHYSICAL_DEVICE_TYPE_CPU);
    t.preprocessRowsOnHost = overrides.preprocessRowsOnHost >= 0 ? overrides.preprocessRowsOnHost == 1
                                                                 : envSwitch("RESVK_HOST_PREPROCESS", t.hostCores);

    t.canPinSubgroupSize = facts.subgroupSizeControl && facts.subgroupSize > 0 &&
                           facts.minSubgroupSize <= facts.subgroupSize && facts.subgroupSize <= facts.maxSubgroupSize;
    if (cpu) {
        // One workgroup is one SIMD row on a CPU; wider ones only add loop overhead.
        t.workgroupWidth = facts.subgroupSize ? facts.subgroupSize : 64;
        // Sharing fetched weights needs workgroup == subgroup, which only a pinned
        // subgroup size guarantees (Intel and AMD may choose another width).
        t.sharedWeightsSubgroup = t.canPinSubgroupSize ? facts.subgroupSize : 0;
        t.winogradTile = 4;
        t.convTileInvocations = 256;  // a few SIMD rows per core
        // Layers too small to fill one SIMD row with 4-pixel tiles (up to 28 pixels
        // for 8 lanes): classifiers, the Winograd GEMMs of 14x14 and 7x7 stages at
        // batch 1. 7x7 direct layers (49) and 7x7 Winograd GEMMs at batch 8 (32
        // tiles) are faster with pixels across lanes (bench/README.md, 2026-12-02).
        t.channelLanePixels = 4 * (int64_t(t.workgroupWidth) - 1);
        t.splitPadded = true;
        t.channelsFirstInputBytes = facts.hostL2Bytes ? int64_t(facts.hostL2Bytes) : kUnknownL2Bytes;
        t.weightBlock = 16;
        t.tileQueue = true;
        t.queueWorkgroups = 2 * cpuDriverThreads();
    } else {
        t.workgroupWidth = 64;
        t.sharedWeightsSubgroup = 0;
        t.winogradTile = 0;  // unmeasured on GPUs: off until a GPU run shows it wins
        t.convTileInvocations = 32768;  // tens of thousands of lanes in flight
        t.channelLanePixels = 16;       // the classifier GEMV of small batches
    }
    if (const char* w = std::getenv("RESVK_WINOGRAD"); w && *w) {
        const std::string value = w;
        if (value != "0" && value != "2" && value != "4")
            throw std::invalid_argument("RESVK_WINOGRAD: '" + value + "' is not 0, 2 or 4");
        t.winogradTile = std::stoi(value);
    }
    t.splitPadded = envSwitch("RESVK_SPLIT_PADDED", t.splitPadded);
    t.tileQueue = envSwitch("RESVK_TILE_QUEUE", t.tileQueue);
    if (const char* env = std::getenv("RESVK_WEIGHT_BLOCK"); env && *env) {
        char* end = nullptr;
        const long block = std::strtol(env, &end, 10);
        if (*end || block < 1 || block > 64 || (block & (block - 1)))
            throw std::invalid_argument(std::string("RESVK_WEIGHT_BLOCK: '") + env +
                                        "' is not a power of two from 1 to 64");
        t.weightBlock = static_cast<int>(block);
    }
    if (const char* env = std::getenv("RESVK_CONV_ORDER"); env && *env) {
        const std::string value = env;
        if (value != "pixels" && value != "channels" && value != "auto")
            throw std::invalid_argument("RESVK_CONV_ORDER: '" + value + "' is not pixels, channels or auto");
        if (value == "pixels") t.channelsFirstInputBytes = -1;
        t.channelsFirstAlways = value == "channels";
    }
    if (const char* env = std::getenv("RESVK_CHANNEL_LANE_PIXELS"); env && *env) {
        char* end = nullptr;
        const long value = std::strtol(env, &end, 10);
        if (*end || value < 0)
            throw std::invalid_argument(std::string("RESVK_CHANNEL_LANE_PIXELS: '") + env +
                                        "' is not a pixel count (0 or more)");
        t.channelLanePixels = value;
    }
    // fp16 only when asked for. A CPU's SIMD units convert halves on every load
    // and store (lavapipe: ResNet-20 batch 32 1.2 s fp32, 1.7 s fp16), and on the
    // one GPU measured, an H200, fp16 storage was 1.1-2.3x slower at batch 8 and 32
    // in every kernel family and, at batch 1, faster only with the register
    // tiles, slower with split-K, the fastest family (bench/README.md).
    PrecisionRequest precision = overrides.precision;
    if (precision == PrecisionRequest::Auto) {
        const char* env = std::getenv("RESVK_PRECISION");
        try {
            precision = parsePrecisionRequest(env ? env : "");
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("RESVK_PRECISION: ") + e.what());
        }
    }
    t.precisionForced = precision != PrecisionRequest::Auto;
    if (precision == PrecisionRequest::Fp16 && !facts.storage16)
        throw std::invalid_argument(
            "precision fp16: this device cannot store 16-bit floats from shaders or read them from texel buffers "
            "(storageBuffer16BitAccess, RGBA16F uniform and storage texel buffers); "
            "use --precision fp32");
    t.precision = precision == PrecisionRequest::Fp16 ? Precision::Fp16 : Precision::Fp32;
    // F(4x4)'s transforms scale values by up to ~100 before they are stored; as
    // halves that rounding exceeds the fp16 tolerance, so fp16 keeps F(2x2).
    if (t.precision == Precision::Fp16) t.winogradTile = std::min(t.winogradTile, 2);
    // The GPU convolution kernels: on the gpu profile, unless switched off.
    std::vector<std::string> off = kernelList(overrides.disabledKernels, "disabled kernels");
    if (const char* env = std::getenv("RESVK_DISABLE_KERNELS")) {
        const auto more = kernelList(env, "RESVK_DISABLE_KERNELS");
        off.insert(off.end(), more.begin(), more.end());
    }
    auto enabled = [&](const char* name) { return std::find(off.begin(), off.end(), name) == off.end(); };
    t.computeUnits = overrides.computeUnits ? overrides.computeUnits : facts.computeUnits;
    t.sharedMemoryBytes = facts.limits.maxComputeSharedMemorySize;
    t.subgroupSize = facts.subgroupSize;
    t.forcedConvTile = overrides.convTile;
    if (t.forcedConvTile.empty())
        if (const char* env = std::getenv("RESVK_CONV_TILE")) t.forcedConvTile = env;
    // On a CPU driver a shared-memory load is a loop over the lanes (lavapipe:
    // ~30x slower than the register tiles), so there the GPU profile takes the
    // tiled kernels only when a tile is asked for ("auto": chosen per layer).
    const bool cpuDevice = facts.type == VK_PHYSICAL_DEVICE_TYPE_CPU;
    t.tiledConv = !cpu && enabled("tiled") && t.sharedMemoryBytes >= 16384 && (!cpuDevice || !t.forcedConvTile.empty());
    t.splitK = t.tiledConv && enabled("splitk");
    // The coopmat kernel runs 4 subgroups of 32 and pins that size.
    const bool pin32 = facts.subgroupSizeControl && facts.minSubgroupSize <= 32 && 32 <= facts.maxSubgroupSize;
    // It rounds its operands to halves, so only where fp16 was asked for: fp32
    // means fp32 operands (on an H200 coopmat at fp32 storage missed fp32's
    // tolerance on every reference case, by as much as fp16 storage does).
    t.coopMat = t.precision == Precision::Fp16 && t.tiledConv && t.canPinSubgroupSize && enabled("coopmat") &&
                coopMatCompiledIn() &&
                facts.cooperativeMatrix && facts.shaderFloat16 && pin32 &&
                offersCoopMatKernelShape(facts.coopMatShapes);
    t.coopMatSubgroup = t.coopMat ? 32 : 0;
    t.forcedSplitK = overrides.splitK;
    if (!t.forcedSplitK)
        if (const char* env = std::getenv("RESVK_SPLIT_K")) t.forcedSplitK = splitValue(env);

    t.maxStorageBufferRange = facts.limits.maxStorageBufferRange;
    t.maxTexelBufferElements = facts.limits.maxTexelBufferElements;
    if (overrides.maxBufferRange) {
        t.maxStorageBufferRange = std::min<uint64_t>(t.maxStorageBufferRange, overrides.maxBufferRange);
        t.maxTexelBufferElements = std::min<uint64_t>(t.maxTexelBufferElements, overrides.maxBufferRange / 16);
    }
    return t;
}

}  // namespace resvk::vk
