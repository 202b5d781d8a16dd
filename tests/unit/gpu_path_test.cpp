// The GPU code path on lavapipe: the device profile and memory path can be
// forced, a forced profile really records the other kernels, the staging path
// runs a network in one submission without creating buffers, batches beyond the
// device's buffer limits run in sub-batches, and the default device is chosen
// by type, then memory.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "model/model.h"
#include "ops/conv.h"
#include "runtime/engine.h"
#include "runtime/plan.h"
#include "support/process.h"
#include "support/test_paths.h"
#include "vk/buffer.h"
#include "vk/context.h"

using namespace resvk;
using Catch::Contains;

namespace {

// Unsets the named variables for a test and puts back what they held, however
// the test ends.
class ScopedUnsetEnv {
public:
    explicit ScopedUnsetEnv(std::initializer_list<const char*> names) {
        for (const char* name : names) {
            const char* value = std::getenv(name);
            saved_.push_back({name, value != nullptr, value ? value : ""});
            unsetenv(name);
        }
    }
    ~ScopedUnsetEnv() {
        for (const auto& v : saved_)
            if (v.set)
                setenv(v.name, v.value.c_str(), 1);
            else
                unsetenv(v.name);
    }
    ScopedUnsetEnv(const ScopedUnsetEnv&) = delete;
    ScopedUnsetEnv& operator=(const ScopedUnsetEnv&) = delete;

private:
    struct Saved {
        const char* name;
        bool set;
        std::string value;
    };
    std::vector<Saved> saved_;
};

vk::ContextOptions forced(vk::ProfileRequest profile, bool staging, uint64_t maxBufferRange = 0) {
    vk::ContextOptions o;
    o.traits.profile = profile;
    o.traits.forceStaging = staging;
    o.traits.maxBufferRange = maxBufferRange;
    o.traits.precision = vk::PrecisionRequest::Fp32;  // the tolerances and byte counts below are fp32's
    return o;
}

model::Model resnet20() {
    return model::Model::load(test::sharedPath("models/cifar10/resnet20_cifar10.onnx"));
}

model::HostTensor randomImages(int batch, unsigned seed = 7) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
    model::HostTensor t{"input", {batch, 3, 32, 32}, std::vector<float>(size_t(batch) * 3 * 32 * 32)};
    for (float& v : t.data) v = dist(rng);
    return t;
}

std::vector<std::string> kernelsOf(vk::Context& context, const model::Model& m) {
    vk::KernelCache kernels(context);
    runtime::Plan plan(context, kernels, m.compile({{1, 3, 32, 32}}));
    return plan.kernelNames();
}

bool anyStartsWith(const std::vector<std::string>& names, const std::string& prefix) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    REQUIRE(a.size() == b.size());
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, double(std::abs(a[i] - b[i])));
    return worst;
}

// A CPU device as lavapipe describes itself: 8-wide subgroups it lets a kernel pin.
vk::DeviceFacts cpuFacts() {
    vk::DeviceFacts cpu;
    cpu.type = VK_PHYSICAL_DEVICE_TYPE_CPU;
    cpu.subgroupSize = 8;
    cpu.subgroupSizeControl = true;
    cpu.minSubgroupSize = cpu.maxSubgroupSize = 8;
    cpu.hostVisibleDeviceMemory = true;
    return cpu;
}

// Overrides that ask for one profile, so that the environment cannot change it.
vk::TraitOverrides forcedProfile(vk::ProfileRequest profile) {
    vk::TraitOverrides o;
    o.profile = profile;
    return o;
}

}  // namespace

TEST_CASE("device traits: each profile takes its own branch whatever the device", "[gpu_path]") {
    const vk::DeviceFacts cpu = cpuFacts();
    vk::TraitOverrides none;
    none.profile = vk::ProfileRequest::Cpu;  // the environment cannot change an explicit request
    const auto t = vk::makeDeviceTraits(cpu, none);
    CHECK(t.profile == vk::DeviceProfile::Cpu);
    CHECK(t.workgroupWidth == 8);
    CHECK(t.sharedWeightsSubgroup == 8);
    CHECK(t.winogradTile == 4);

    vk::TraitOverrides gpu;
    gpu.profile = vk::ProfileRequest::Gpu;
    const auto g = vk::makeDeviceTraits(cpu, gpu);
    CHECK(g.profile == vk::DeviceProfile::Gpu);
    CHECK(g.profileForced);
    CHECK(g.workgroupWidth == 64);
    CHECK(g.sharedWeightsSubgroup == 0);
    CHECK(g.winogradTile == 0);

    SECTION("subgroup-shared kernels need a pinnable subgroup size") {
        vk::DeviceFacts intel = cpu;
        intel.subgroupSizeControl = false;
        CHECK(vk::makeDeviceTraits(intel, none).sharedWeightsSubgroup == 0);
        intel.subgroupSizeControl = true;
        intel.minSubgroupSize = 16;  // 8 cannot be required
        intel.maxSubgroupSize = 32;
        CHECK(vk::makeDeviceTraits(intel, none).sharedWeightsSubgroup == 0);
    }
    SECTION("discrete GPUs and devices without shared memory take the staging path") {
        vk::DeviceFacts discrete = cpu;
        discrete.type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
        CHECK(vk::makeDeviceTraits(discrete, gpu).memory == vk::MemoryPath::Staging);
        vk::DeviceFacts noShared = cpu;
        noShared.hostVisibleDeviceMemory = false;
        CHECK(vk::makeDeviceTraits(noShared, none).memory == vk::MemoryPath::Staging);
        vk::TraitOverrides staged = none;
        staged.forceStaging = true;
        const auto s = vk::makeDeviceTraits(cpu, staged);
        CHECK(s.memory == vk::MemoryPath::Staging);
        CHECK(s.stagingForced);
    }
    SECTION("an unknown profile name is refused") {
        CHECK_THROWS_WITH(vk::parseProfileRequest("fast"), Contains("auto, cpu or gpu") && Contains("fast"));
    }
}

TEST_CASE("device traits: a CPU device computes on the host's cores, whatever the profile; RESVK_HOST_CORES forces it",
          "[gpu_path]") {
    const ScopedUnsetEnv clean{"RESVK_HOST_CORES"};
    const vk::DeviceFacts cpu = cpuFacts();
    vk::DeviceFacts discrete = cpu;
    discrete.type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
    const vk::TraitOverrides asGpu = forcedProfile(vk::ProfileRequest::Gpu);
    CHECK(vk::makeDeviceTraits(cpu, asGpu).hostCores);  // the device type decides, not the kernel profile
    CHECK_FALSE(vk::makeDeviceTraits(discrete, asGpu).hostCores);
    setenv("RESVK_HOST_CORES", "0", 1);
    CHECK_FALSE(vk::makeDeviceTraits(cpu, asGpu).hostCores);
    setenv("RESVK_HOST_CORES", "1", 1);
    CHECK(vk::makeDeviceTraits(discrete, asGpu).hostCores);
    setenv("RESVK_HOST_CORES", "yes", 1);
    CHECK_THROWS_WITH(vk::makeDeviceTraits(cpu, asGpu), Contains("RESVK_HOST_CORES") && Contains("'yes'"));
}

TEST_CASE(
    "device traits: video preprocessing's pass 1 runs on the host where the device computes on its cores; "
    "RESVK_HOST_PREPROCESS and the overrides force it",
    "[gpu_path]") {
    const ScopedUnsetEnv clean{"RESVK_HOST_CORES", "RESVK_HOST_PREPROCESS"};
    const vk::DeviceFacts cpu = cpuFacts();
    vk::DeviceFacts discrete = cpu;
    discrete.type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
    vk::TraitOverrides none;
    CHECK(vk::makeDeviceTraits(cpu, none).preprocessRowsOnHost);
    CHECK_FALSE(vk::makeDeviceTraits(discrete, none).preprocessRowsOnHost);
    setenv("RESVK_HOST_CORES", "0", 1);  // it follows hostCores
    CHECK_FALSE(vk::makeDeviceTraits(cpu, none).preprocessRowsOnHost);
    setenv("RESVK_HOST_PREPROCESS", "1", 1);  // and its own switch wins
    CHECK(vk::makeDeviceTraits(cpu, none).preprocessRowsOnHost);
    CHECK(vk::makeDeviceTraits(discrete, none).preprocessRowsOnHost);
    vk::TraitOverrides kernel;  // the overrides win over both
    kernel.preprocessRowsOnHost = 0;
    CHECK_FALSE(vk::makeDeviceTraits(cpu, kernel).preprocessRowsOnHost);
    setenv("RESVK_HOST_PREPROCESS", "on", 1);
    CHECK_THROWS_WITH(vk::makeDeviceTraits(cpu, none), Contains("RESVK_HOST_PREPROCESS") && Contains("'on'"));
}

TEST_CASE(
    "device traits: the tile knobs RESVK_WINOGRAD, RESVK_CHANNEL_LANE_PIXELS, RESVK_SPLIT_PADDED, "
    "RESVK_TILE_QUEUE, bad values",
    "[gpu_path]") {
    const vk::DeviceFacts cpu = cpuFacts();
    const vk::TraitOverrides asCpu = forcedProfile(vk::ProfileRequest::Cpu);
    const vk::TraitOverrides asGpu = forcedProfile(vk::ProfileRequest::Gpu);
    const ScopedUnsetEnv clean{"RESVK_WINOGRAD", "RESVK_CHANNEL_LANE_PIXELS", "RESVK_SPLIT_PADDED", "RESVK_TILE_QUEUE"};
    // Switches on for CPUs only, unless forced either way: padded convolutions
    // split off their frame, convolution tiles come from a queue.
    auto checkCpuSwitch = [&](const char* name, bool vk::DeviceTraits::*on) {
        INFO(name);
        CHECK(vk::makeDeviceTraits(cpu, asCpu).*on);
        CHECK_FALSE(vk::makeDeviceTraits(cpu, asGpu).*on);
        setenv(name, "0", 1);
        CHECK_FALSE(vk::makeDeviceTraits(cpu, asCpu).*on);
        setenv(name, "1", 1);
        CHECK(vk::makeDeviceTraits(cpu, asGpu).*on);
        setenv(name, "yes", 1);
        CHECK_THROWS_WITH(vk::makeDeviceTraits(cpu, asCpu), Contains(name) && Contains("'yes'"));
        unsetenv(name);
    };
    checkCpuSwitch("RESVK_SPLIT_PADDED", &vk::DeviceTraits::splitPadded);
    checkCpuSwitch("RESVK_TILE_QUEUE", &vk::DeviceTraits::tileQueue);
    // Channel lanes below one SIMD row of 4-pixel tiles on CPUs (8 lanes: 28 pixels).
    CHECK(vk::makeDeviceTraits(cpu, asCpu).channelLanePixels == 28);
    CHECK(vk::makeDeviceTraits(cpu, asGpu).channelLanePixels == 16);
    setenv("RESVK_CHANNEL_LANE_PIXELS", "0", 1);
    CHECK(vk::makeDeviceTraits(cpu, asCpu).channelLanePixels == 0);
    for (const char* bad : {"-1", "28px", "many"}) {
        setenv("RESVK_CHANNEL_LANE_PIXELS", bad, 1);
        CHECK_THROWS_WITH(vk::makeDeviceTraits(cpu, asCpu),
                          Contains("RESVK_CHANNEL_LANE_PIXELS") && Contains(std::string("'") + bad + "'"));
    }
    unsetenv("RESVK_CHANNEL_LANE_PIXELS");
    setenv("RESVK_WINOGRAD", "2", 1);
    CHECK(vk::makeDeviceTraits(cpu, asCpu).winogradTile == 2);
    setenv("RESVK_WINOGRAD", "3", 1);
    CHECK_THROWS_WITH(vk::makeDeviceTraits(cpu, asCpu), Contains("RESVK_WINOGRAD") && Contains("'3'"));
}

TEST_CASE("device traits: a queued dispatch launches twice the CPU driver's threads, 256 elsewhere", "[gpu_path]") {
    const vk::DeviceFacts cpu = cpuFacts();
    const vk::TraitOverrides asCpu = forcedProfile(vk::ProfileRequest::Cpu);
    const vk::TraitOverrides asGpu = forcedProfile(vk::ProfileRequest::Gpu);
    const ScopedUnsetEnv clean{"LP_NUM_THREADS", "RESVK_TILE_QUEUE"};
    CHECK(vk::makeDeviceTraits(cpu, asCpu).queueWorkgroups == 2 * std::max(1u, std::thread::hardware_concurrency()));
    setenv("LP_NUM_THREADS", "3", 1);  // lavapipe's own count wins
    CHECK(vk::makeDeviceTraits(cpu, asCpu).queueWorkgroups == 6);
    setenv("LP_NUM_THREADS", "lots", 1);  // not a count: one per CPU, as Mesa would
    CHECK(vk::makeDeviceTraits(cpu, asCpu).queueWorkgroups == 2 * std::max(1u, std::thread::hardware_concurrency()));
    setenv("RESVK_TILE_QUEUE", "1", 1);  // the GPU profile keeps 256 (it never queues: no pinned subgroup)
    CHECK(vk::makeDeviceTraits(cpu, asGpu).queueWorkgroups == 256);
    CHECK_FALSE(ops::Recorder::queuesTiles(vk::makeDeviceTraits(cpu, asGpu)));
}

TEST_CASE("device traits: convolutions walk output channels first where the input outgrows the host's L2",
          "[gpu_path]") {
    vk::DeviceFacts cpu = cpuFacts();
    cpu.hostL2Bytes = 2 << 20;
    const vk::TraitOverrides asCpu = forcedProfile(vk::ProfileRequest::Cpu);
    const vk::TraitOverrides asGpu = forcedProfile(vk::ProfileRequest::Gpu);
    const ScopedUnsetEnv clean{"RESVK_CONV_ORDER"};
    const auto t = vk::makeDeviceTraits(cpu, asCpu);
    CHECK(t.channelsFirstInputBytes == 2 << 20);
    CHECK_FALSE(t.channelsFirstAlways);
    cpu.hostL2Bytes = 0;  // unknown: the smallest L2 measured
    CHECK(vk::makeDeviceTraits(cpu, asCpu).channelsFirstInputBytes == 512 * 1024);
    CHECK(vk::makeDeviceTraits(cpu, asGpu).channelsFirstInputBytes == -1);
    // ResNet-50 at batch 1, fp32 texels of 16 bytes: layer1.1's conv1 reads
    // 256x56x56 (3.2 MB) and writes a quarter of it; its conv3 writes 4x what it reads.
    const int64_t big = 64 * 56 * 56 * 16, small = 16 * 56 * 56 * 16;
    CHECK(ops::convChannelsFirst(big, small, t.channelsFirstInputBytes, false));
    CHECK_FALSE(ops::convChannelsFirst(small, big, t.channelsFirstInputBytes, false));
    CHECK_FALSE(ops::convChannelsFirst(small, small / 4, t.channelsFirstInputBytes, false));  // 0.8 MB: cached
    CHECK_FALSE(ops::convChannelsFirst(big, small, -1, false));
    setenv("RESVK_CONV_ORDER", "pixels", 1);
    CHECK(vk::makeDeviceTraits(cpu, asCpu).channelsFirstInputBytes == -1);
    setenv("RESVK_CONV_ORDER", "channels", 1);
    const auto always = vk::makeDeviceTraits(cpu, asGpu);
    CHECK(always.channelsFirstAlways);
    CHECK(ops::convChannelsFirst(small, big, always.channelsFirstInputBytes, always.channelsFirstAlways));
    setenv("RESVK_CONV_ORDER", "auto", 1);
    CHECK(vk::makeDeviceTraits(cpu, asCpu).channelsFirstInputBytes == 512 * 1024);
    setenv("RESVK_CONV_ORDER", "rows", 1);
    CHECK_THROWS_WITH(vk::makeDeviceTraits(cpu, asCpu), Contains("RESVK_CONV_ORDER") && Contains("'rows'"));
}

TEST_CASE("device traits: convolution weights in blocks of 16 output channels on CPUs, RESVK_WEIGHT_BLOCK",
          "[gpu_path]") {
    const vk::DeviceFacts cpu = cpuFacts();
    const vk::TraitOverrides asCpu = forcedProfile(vk::ProfileRequest::Cpu);
    const vk::TraitOverrides asGpu = forcedProfile(vk::ProfileRequest::Gpu);
    const ScopedUnsetEnv clean{"RESVK_WEIGHT_BLOCK"};
    CHECK(vk::makeDeviceTraits(cpu, asCpu).weightBlock == 16);
    CHECK(vk::makeDeviceTraits(cpu, asGpu).weightBlock == 1);
    setenv("RESVK_WEIGHT_BLOCK", "64", 1);
    CHECK(vk::makeDeviceTraits(cpu, asGpu).weightBlock == 64);
    for (const char* bad : {"0", "3", "128", "16x", "-4"}) {
        setenv("RESVK_WEIGHT_BLOCK", bad, 1);
        CHECK_THROWS_WITH(vk::makeDeviceTraits(cpu, asCpu),
                          Contains("RESVK_WEIGHT_BLOCK") && Contains(std::string("'") + bad + "'"));
    }
    // The layout: channel fastest within a block, whole blocks of rows.
    CHECK(ops::weightRows(5, 16) == 16);
    CHECK(ops::weightRows(17, 16) == 32);
    CHECK(ops::weightRows(5, 1) == 8);
    CHECK(ops::weightTexel(0, 1, 10, 16) == 16);
    CHECK(ops::weightTexel(17, 2, 10, 16) == (10 + 2) * 16 + 1);
    CHECK(ops::weightTexel(17, 2, 10, 1) == 17 * 10 + 2);
}

TEST_CASE("lavapipe: a forced profile records the other family of kernels", "[gpu_path]") {
    const auto m = resnet20();
    vk::Context cpu(forced(vk::ProfileRequest::Cpu, false));
    REQUIRE(cpu.traits().canPinSubgroupSize);  // lavapipe pins 8-wide subgroups
    const auto cpuKernels = kernelsOf(cpu, m);
    CHECK(anyStartsWith(cpuKernels, "conv2d_sgq_"));  // shared weights, tiles from a queue
    CHECK(anyStartsWith(cpuKernels, "winograd4_"));

    vk::Context gpu(forced(vk::ProfileRequest::Gpu, true));
    CHECK(std::string(gpu.traits().profileName()) == "gpu");
    const auto gpuKernels = kernelsOf(gpu, m);
    // Falling back to the CPU branch would show up here as shuffle or Winograd kernels.
    CHECK_FALSE(anyStartsWith(gpuKernels, "conv2d_sg"));
    CHECK_FALSE(anyStartsWith(gpuKernels, "winograd"));
    // On a CPU device the shared-memory kernels run only when asked for.
    CHECK(anyStartsWith(gpuKernels, "conv2d_o"));
    auto tiled = forced(vk::ProfileRequest::Gpu, true);
    tiled.traits.convTile = "auto";
    vk::Context shared(tiled);
    CHECK(anyStartsWith(kernelsOf(shared, m), "conv_tiled_"));
}

TEST_CASE("staging path: buffers are not mapped, and a run is one submission that creates nothing", "[gpu_path]") {
    vk::Context staged(forced(vk::ProfileRequest::Gpu, true));
    CHECK(staged.traits().memory == vk::MemoryPath::Staging);
    CHECK(vk::Buffer(staged, 1024, vk::Buffer::Kind::Compute).mapped() == nullptr);
    CHECK(vk::Buffer(staged, 1024, vk::Buffer::Kind::Staging).mapped() != nullptr);

    const auto m = resnet20();
    runtime::Engine engine(staged, m);
    const auto input = randomImages(4);
    const auto first = engine.run({input});  // builds the plan, uploads the weights
    const uint64_t submissions = staged.submissions(), buffers = staged.buffersCreated();
    std::vector<model::HostTensor> again;
    for (int i = 0; i < 3; ++i) again = engine.run({input});
    CHECK(staged.submissions() - submissions == 3);
    CHECK(staged.buffersCreated() - buffers == 0);
    CHECK(maxAbsDiff(again.at(0).data, first.at(0).data) == 0.0);

    // The same numbers as the mapped CPU profile.
    vk::Context mapped(forced(vk::ProfileRequest::Cpu, false));
    CHECK(vk::Buffer(mapped, 1024, vk::Buffer::Kind::Compute).mapped() != nullptr);
    runtime::Engine reference(mapped, m);
    CHECK(maxAbsDiff(reference.run({input}).at(0).data, first.at(0).data) < 1e-4);
}

TEST_CASE("a batch beyond the device's buffer limits runs in sub-batches", "[gpu_path]") {
    // ResNet-20's largest tensor is 16 channels x 32 x 32 = 64 KiB per image packed:
    // with a 200 KiB limit a batch of 3 fits, a batch of 8 does not.
    const auto m = resnet20();
    vk::Context limited(forced(vk::ProfileRequest::Gpu, true, 200 * 1024));
    vk::Context whole(forced(vk::ProfileRequest::Gpu, true));
    runtime::Engine small(limited, m), big(whole, m);
    const auto input = randomImages(8, 11);
    const auto want = big.run({input}).at(0);
    const uint64_t before = limited.submissions();
    const auto got = small.run({input}).at(0);
    CHECK(got.shape == model::Shape{8, 10});
    CHECK(maxAbsDiff(got.data, want.data) < 1e-5);
    CHECK(limited.submissions() - before >= 3);  // at least three sub-batches
    const auto stats = small.stats({{8, 3, 32, 32}});
    CHECK(stats.subBatch >= 1);
    CHECK(stats.subBatch <= 3);

    SECTION("one image that cannot fit is an error naming the layer") {
        vk::Context tiny(forced(vk::ProfileRequest::Gpu, true, 32 * 1024));
        runtime::Engine engine(tiny, m);
        CHECK_THROWS_WITH(engine.run({randomImages(1)}), Contains("layer '") && Contains("for one image") &&
                                                             Contains("more than this device binds at once"));
    }
}

TEST_CASE("the default device: best type first, then the most device-local memory", "[gpu_path]") {
    auto device = [](int index, const char* type, uint64_t gib, bool usable = true) {
        vk::DeviceInfo d;
        d.index = index;
        d.type = type;
        d.deviceLocalBytes = gib << 30;
        d.usable = usable;
        return d;
    };
    auto pick = vk::chooseDevice({device(0, "integrated GPU", 2), device(1, "discrete GPU", 8),
                                  device(2, "discrete GPU", 24), device(3, "CPU", 64)});
    CHECK(pick.index == 2);
    CHECK_THAT(pick.reason, Contains("discrete GPU") && Contains("most device-local memory") && Contains("24.0 GiB"));
    pick = vk::chooseDevice({device(0, "CPU", 64), device(1, "integrated GPU", 1)});
    CHECK(pick.index == 1);
    CHECK_THAT(pick.reason, Contains("no usable discrete GPU"));
    pick = vk::chooseDevice({device(0, "discrete GPU", 8, false), device(1, "CPU", 2)});
    CHECK(pick.index == 1);
    CHECK(vk::chooseDevice({device(0, "CPU", 2, false)}).index == -1);
}

TEST_CASE("the CLI: --device-profile, the profile in info and bench --json, bad values", "[gpu_path][cli]") {
    const std::string resnet18 = test::sharedPath("models/reference/torchvision_resnet18/model.onnx");
    auto bench = test::runResvk(
        {"bench", "--model", resnet18, "--device-profile", "gpu", "--iters", "1", "--warmup", "0", "--json"},
        "env RESVK_FORCE_STAGING=1");
    INFO("stdout:\n" << bench.out << "\nstderr:\n" << bench.err);
    REQUIRE(bench.code == 0);
    CHECK_THAT(bench.out, Contains("\"device_profile\":\"gpu\"") && Contains("\"memory_path\":\"staging\""));

    auto info =
        test::runResvk({"info", test::sharedPath("models/cifar10/resnet20_cifar10.onnx"), "--device-profile", "cpu"},
                       "env -u RESVK_FORCE_STAGING");
    CHECK(info.code == 0);
    CHECK_THAT(info.out, Contains("profile:          cpu (forced), mapped memory"));

    auto bad = test::runResvk({"info", resnet18, "--device-profile", "fast"}, "");
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Contains("--device-profile") && Contains("auto, cpu or gpu") && Contains("'fast'"));
    auto badEnv = test::runResvk({"bench", "--model", resnet18, "--iters", "1"}, "env RESVK_DEVICE_PROFILE=fast");
    CHECK(badEnv.code == 1);
    CHECK_THAT(badEnv.err, Contains("RESVK_DEVICE_PROFILE") && Contains("'fast'"));
    CHECK(std::count(badEnv.err.begin(), badEnv.err.end(), '\n') == 1);
}

TEST_CASE("a FIFO where the pipeline cache file should be does not block start-up", "[gpu_path][cli]") {
    vk::Context context;
    char uuid[2 * VK_UUID_SIZE + 1];
    for (unsigned i = 0; i < VK_UUID_SIZE; ++i)
        std::snprintf(uuid + 2 * i, 3, "%02x", context.properties().pipelineCacheUUID[i]);
    const std::string cache = test::tempDir();
    std::filesystem::create_directories(cache + "/resvk");
    REQUIRE(mkfifo((cache + "/resvk/pipelines-" + uuid + ".bin").c_str(), 0600) == 0);
    auto r = test::runResvk(
        {"bench", "--model", test::sharedPath("models/cifar10/resnet20_cifar10.onnx"), "--iters", "1", "--warmup", "0"},
        "timeout -k 5 120 env XDG_CACHE_HOME=" + test::quote(cache));
    INFO("stderr:\n" << r.err);
    CHECK(r.code == 0);  // 124 = still blocked when `timeout` ended it
}
