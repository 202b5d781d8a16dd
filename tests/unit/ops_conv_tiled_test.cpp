// The GPU profile's convolution kernels (ops/conv_choice.h, ops/conv_tiled.h):
// the selection table as a pure function (tile and split from made-up device
// traits, the cooperative-matrix path chosen only where everything it needs is
// there, and left cleanly where not, as on lavapipe), then every tile with
// split-K off and on against the naive CPU reference on awkward shapes, run
// on lavapipe through the GPU profile.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "ops/conv_choice.h"
#include "reference/op_harness.h"
#include "vk/device_traits.h"

using namespace resvk;
using namespace resvk::reference;
using Catch::Contains;

namespace {

vk::DeviceTraits gpuTraits(int computeUnits, uint32_t sharedBytes = 49152) {
    vk::DeviceTraits t;
    t.profile = vk::DeviceProfile::Gpu;
    t.tiledConv = true;
    t.splitK = true;
    t.computeUnits = computeUnits;
    t.sharedMemoryBytes = sharedBytes;
    return t;
}

// ResNet layers as GEMMs: pixels, output texels, K texels.
const ops::ConvProblem kLayer1Batch32{32 * 56 * 56, 64 / 4, 64 / 4 * 9};
const ops::ConvProblem kLayer4Batch1{7 * 7, 512 / 4, 512 / 4 * 9};

std::string tileOf(const ops::ConvChoice& c) {
    return c.tile ? c.tile->name : "none";
}

}  // namespace

TEST_CASE("GPU conv choice: big layers take big tiles whole, small layers small tiles split along K",
          "[conv_tiled][choice]") {
    const auto h200 = gpuTraits(132);
    const auto big = ops::chooseGpuConv(kLayer1Batch32, h200);
    CHECK(tileOf(big) == "256x64");
    CHECK(big.splits == 1);
    CHECK(big.kPerSplit >= kLayer1Batch32.kTexels);

    const auto small = ops::chooseGpuConv(kLayer4Batch1, h200);
    CHECK(tileOf(small) == "128x32");
    CHECK(small.splits > 1);
    CHECK(small.splits <= 16);
    // Every K texel is in exactly one split, each split a whole number of steps.
    CHECK(small.kPerSplit % ops::kTiledK == 0);
    CHECK(int64_t(small.kPerSplit) * small.splits >= kLayer4Batch1.kTexels);
    CHECK(int64_t(small.kPerSplit) * (small.splits - 1) < kLayer4Batch1.kTexels);

    SECTION("fewer compute units: fewer splits") {
        const auto few = ops::chooseGpuConv(kLayer4Batch1, gpuTraits(8));
        CHECK(few.splits < small.splits);
    }
    SECTION("split-K switched off") {
        auto t = h200;
        t.splitK = false;
        CHECK(ops::chooseGpuConv(kLayer4Batch1, t).splits == 1);
    }
    SECTION("a tile that needs more shared memory than the device has is skipped") {
        const auto c = ops::chooseGpuConv(kLayer1Batch32, gpuTraits(132, 6144));
        CHECK(tileOf(c) == "128x32");
    }
    SECTION("forced tile and split; an unknown tile is refused naming it") {
        auto t = h200;
        t.forcedConvTile = "128x64";
        t.forcedSplitK = 3;
        const auto c = ops::chooseGpuConv(kLayer1Batch32, t);
        CHECK(tileOf(c) == "128x64");
        CHECK(c.splits == 3);
        t.forcedSplitK = 1;
        CHECK(ops::chooseGpuConv(kLayer4Batch1, t).splits == 1);
        t.forcedConvTile = "96x96";
        CHECK_THROWS_WITH(ops::chooseGpuConv(kLayer1Batch32, t), Contains("96x96") && Contains("128x32"));
    }
    SECTION("K too short to split stays whole") {
        const ops::ConvProblem tiny{49, 8, 3};  // 3 K texels: one step
        auto t = h200;
        t.forcedSplitK = 8;
        CHECK(ops::chooseGpuConv(tiny, t).splits == 1);
    }
    SECTION("the cooperative-matrix kernel, where the traits allow it") {
        auto t = h200;
        t.coopMat = true;
        const auto c = ops::chooseGpuConv(kLayer4Batch1, t);
        if (vk::coopMatCompiledIn()) {
            CHECK(c.tile->family == ops::ConvFamily::CoopMat);
            CHECK(c.splits > 1);
        } else {
            CHECK(c.tile->family == ops::ConvFamily::Tiled);
        }
    }
}

TEST_CASE("coopmat selection: only at fp16 precision, with the extension, the feature, fp16, a pinnable 32 and the shape",
          "[conv_tiled][choice]") {
    vk::DeviceFacts nv;
    nv.type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
    nv.limits.maxComputeSharedMemorySize = 49152;
    nv.subgroupSize = 32;
    nv.subgroupSizeControl = true;
    nv.minSubgroupSize = nv.maxSubgroupSize = 32;
    nv.computeUnits = 132;
    nv.cooperativeMatrix = true;
    nv.shaderFloat16 = true;
    nv.storage16 = true;
    const vk::CoopMatShape h16{16,
                               16,
                               16,
                               VK_COMPONENT_TYPE_FLOAT16_NV,
                               VK_COMPONENT_TYPE_FLOAT16_NV,
                               VK_COMPONENT_TYPE_FLOAT32_NV,
                               VK_COMPONENT_TYPE_FLOAT32_NV,
                               true};
    nv.coopMatShapes = {h16};
    vk::TraitOverrides auto_;
    auto_.profile = vk::ProfileRequest::Gpu;
    auto_.precision = vk::PrecisionRequest::Fp16;
    const auto t = vk::makeDeviceTraits(nv, auto_);
    CHECK(t.tiledConv);
    CHECK(t.splitK);
    CHECK(t.computeUnits == 132);
    CHECK(t.coopMat == vk::coopMatCompiledIn());
    CHECK(t.coopMatSubgroup == (t.coopMat ? 32u : 0u));

    SECTION("fp32 precision: halved operands would miss fp32's tolerance") {
        auto fp32 = auto_;
        fp32.precision = vk::PrecisionRequest::Fp32;
        const auto f = vk::makeDeviceTraits(nv, fp32);
        CHECK(f.tiledConv);
        CHECK(f.splitK);
        CHECK_FALSE(f.coopMat);
        fp32.precision = vk::PrecisionRequest::Auto;
        CHECK_FALSE(vk::makeDeviceTraits(nv, fp32).coopMat);
    }
    SECTION("a CPU device takes the tiled kernels only when a tile is asked for") {
        auto f = nv;
        f.type = VK_PHYSICAL_DEVICE_TYPE_CPU;
        CHECK_FALSE(vk::makeDeviceTraits(f, auto_).tiledConv);
        auto asked = auto_;
        asked.convTile = "auto";
        CHECK(vk::makeDeviceTraits(f, asked).tiledConv);
    }
    SECTION("lavapipe-like: no extension") {
        auto f = nv;
        f.cooperativeMatrix = false;
        f.coopMatShapes.clear();
        CHECK_FALSE(vk::makeDeviceTraits(f, auto_).coopMat);
        CHECK(vk::makeDeviceTraits(f, auto_).tiledConv);
    }
    SECTION("no shape the kernel can use") {
        auto f = nv;
        auto fp16acc = h16;
        fp16acc.c = fp16acc.d = VK_COMPONENT_TYPE_FLOAT16_NV;
        auto small = h16;
        small.n = 8;
        auto workgroup = h16;
        workgroup.subgroupScope = false;
        f.coopMatShapes = {fp16acc, small, workgroup};
        CHECK_FALSE(vk::offersCoopMatKernelShape(f.coopMatShapes));
        CHECK_FALSE(vk::makeDeviceTraits(f, auto_).coopMat);
        CHECK(vk::offersCoopMatKernelShape({small, h16}));
    }
    SECTION("no fp16 arithmetic, or no way to pin 32 lanes") {
        auto f = nv;
        f.shaderFloat16 = false;
        CHECK_FALSE(vk::makeDeviceTraits(f, auto_).coopMat);
        f = nv;
        f.minSubgroupSize = f.maxSubgroupSize = f.subgroupSize = 64;
        CHECK_FALSE(vk::makeDeviceTraits(f, auto_).coopMat);
    }
    SECTION("the cpu profile and switched-off families") {
        vk::TraitOverrides cpu = auto_;
        cpu.profile = vk::ProfileRequest::Cpu;
        const auto c = vk::makeDeviceTraits(nv, cpu);
        CHECK_FALSE(c.tiledConv);
        CHECK_FALSE(c.coopMat);
        vk::TraitOverrides off = auto_;
        off.disabledKernels = "coopmat,splitk";
        const auto o = vk::makeDeviceTraits(nv, off);
        CHECK(o.tiledConv);
        CHECK_FALSE(o.splitK);
        CHECK_FALSE(o.coopMat);
        off.disabledKernels = "tiled";
        CHECK_FALSE(vk::makeDeviceTraits(nv, off).tiledConv);
        CHECK_FALSE(vk::makeDeviceTraits(nv, off).coopMat);
        off.disabledKernels = "tiled,fast";
        CHECK_THROWS_WITH(vk::makeDeviceTraits(nv, off), Contains("'fast'") && Contains("tiled, splitk or coopmat"));
    }
}

namespace {

struct TiledCase {
    int64_t n, cin, h, w, cout;
    int kh, kw, stride, dil;
    int padT, padL, padB, padR;
    bool bias, residual, relu;
};

std::string describe(const TiledCase& c) {
    std::ostringstream s;
    s << c.n << "x" << c.cin << "x" << c.h << "x" << c.w << " -> " << c.cout << ", " << c.kh << "x" << c.kw
      << " stride " << c.stride << " dilation " << c.dil << " pads " << c.padT << "," << c.padL << "," << c.padB << ","
      << c.padR << (c.bias ? ", bias" : "") << (c.residual ? ", residual" : "") << (c.relu ? ", relu" : "");
    return s.str();
}

//                  n  cin  h   w  cout kh kw  s  d  pt pl pb pr  bias   res    relu
const TiledCase kCases[] = {
    {1, 3, 11, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, true, false, false},    // odd channels, 3x3
    {2, 5, 9, 13, 13, 7, 7, 2, 1, 3, 3, 3, 3, false, false, true},   // 7x7 stride 2, batch 2
    {3, 13, 7, 7, 13, 3, 3, 1, 1, 1, 1, 1, 1, true, true, true},     // residual + relu, batch 3
    {1, 33, 9, 9, 17, 1, 1, 2, 1, 0, 0, 0, 0, true, false, false},   // 1x1 stride 2, unpadded
    {1, 64, 14, 14, 70, 3, 3, 1, 1, 1, 1, 1, 1, true, true, true},   // > one block each way, 18 K steps
    {4, 130, 1, 1, 10, 1, 1, 1, 1, 0, 0, 0, 0, true, false, false},  // classifier-shaped
    {1, 6, 13, 8, 9, 3, 3, 1, 2, 2, 1, 0, 2, true, false, true},     // dilation 2, asymmetric pads
};

struct Built {
    model::Program program;
    std::vector<Tensor> inputs;
    Tensor expected;
    int64_t k;
};

Built build(const TiledCase& c, uint32_t seed) {
    model::Layer l;
    l.kind = model::LayerKind::Conv;
    l.window.kernel[0] = c.kh;
    l.window.kernel[1] = c.kw;
    l.window.stride[0] = l.window.stride[1] = c.stride;
    l.window.dilation[0] = l.window.dilation[1] = c.dil;
    l.window.padBegin[0] = c.padT;
    l.window.padBegin[1] = c.padL;
    l.window.padEnd[0] = c.padB;
    l.window.padEnd[1] = c.padR;
    l.group = 1;
    l.weightShape = {c.cout, c.cin, c.kh, c.kw};
    l.weights = randomVector(size_t(c.cout * c.cin * c.kh * c.kw), seed + 1);
    if (c.bias) l.bias = randomVector(size_t(c.cout), seed + 2);
    l.relu = c.relu;
    Tensor x = random({c.n, c.cin, c.h, c.w}, seed);
    Tensor y = conv2d(x, l.weights, l.weightShape, l.bias, l.window, 1);
    std::vector<Tensor> inputs{x};
    std::vector<model::Shape> shapes{x.shape};
    if (c.residual) {
        Tensor res = random(y.shape, seed + 3);
        y = add(y, res);
        inputs.push_back(res);
        shapes.push_back(res.shape);
    }
    if (c.relu) y = relu(y);
    const model::Shape outShape = y.shape;
    return {oneLayer(l, shapes, outShape, c.residual), inputs, y, c.cin * c.kh * c.kw};
}

// A GPU-profile context with the tile and split forced (or chosen, when empty / 0).
vk::ContextOptions gpuProfile(const std::string& tile, int split, int computeUnits = 0) {
    vk::ContextOptions o;
    o.traits.profile = vk::ProfileRequest::Gpu;
    o.traits.precision = vk::PrecisionRequest::Fp32;  // fp16 runs in ops_tests.gpu_tiled_fp16
    o.traits.convTile = tile;
    o.traits.splitK = split;
    o.traits.computeUnits = computeUnits;
    return o;
}

struct Run {
    Tensor output;
    std::vector<std::string> kernels;
};

Run runIn(vk::Context& context, vk::KernelCache& kernels, Built b) {
    std::vector<model::HostTensor> host;
    for (size_t i = 0; i < b.inputs.size(); ++i)
        host.push_back({b.program.values[size_t(b.program.inputs[i])].name, b.inputs[i].shape, b.inputs[i].data});
    runtime::Plan plan(context, kernels, std::move(b.program));
    auto outputs = plan.run(host);
    REQUIRE(outputs.size() == 1);
    return {{outputs[0].shape, outputs[0].data}, plan.kernelNames()};
}

bool has(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_CASE("tiled conv: every tile, split-K off and on, matches the naive reference", "[conv_tiled]") {
    const char* tiles[] = {"256x64", "128x64", "128x32"};
    for (const char* tile : tiles)
        for (int split : {1, 3}) {
            SECTION(std::string(tile) + (split > 1 ? ", split-K 3" : ", no split")) {
                vk::Context context(gpuProfile(tile, split));
                REQUIRE(context.traits().tiledConv);
                vk::KernelCache kernels(context);
                uint32_t seed = 300;
                for (const TiledCase& c : kCases) {
                    seed += 10;
                    INFO(describe(c));
                    Built b = build(c, seed);
                    const Tensor expected = b.expected;
                    const int64_t k = b.k;
                    const Run run = runIn(context, kernels, std::move(b));
                    expectClose(run.output, expected, convTolerance(k));
                    CHECK(has(run.kernels, std::string("conv_tiled_") + tile));
                    // Split-K needs at least two K steps (8 texels each) to split.
                    const bool splits = split > 1 && ((c.cin + 3) / 4) * c.kh * c.kw > ops::kTiledK;
                    CHECK(has(run.kernels, "conv_split_reduce") == splits);
                }
            }
        }
}

TEST_CASE("tiled conv: the chosen split on a device with many compute units", "[conv_tiled]") {
    // 1000 compute units: every layer has too few blocks, so each splits as far
    // as its K allows; the tile is the table's choice.
    vk::Context context(gpuProfile("auto", 0, 1000));
    vk::KernelCache kernels(context);
    uint32_t seed = 700;
    int split = 0;
    for (const TiledCase& c : kCases) {
        seed += 10;
        INFO(describe(c));
        Built b = build(c, seed);
        const Tensor expected = b.expected;
        const int64_t k = b.k;
        const Run run = runIn(context, kernels, std::move(b));
        expectClose(run.output, expected, convTolerance(k));
        split += has(run.kernels, "conv_split_reduce");
    }
    CHECK(split >= 2);  // the cases with K of 4 steps or more
}

TEST_CASE("tiled conv: the test detects a perturbed weight in a split layer", "[conv_tiled]") {
    vk::Context context(gpuProfile("128x32", 3));
    vk::KernelCache kernels(context);
    Built b = build(kCases[4], 11);
    const Tensor expected = b.expected;
    b.program.layers[0].weights[100] += 0.05f;  // the GPU's copy only
    const Run run = runIn(context, kernels, std::move(b));
    REQUIRE(has(run.kernels, "conv_split_reduce"));
    CHECK(maxAbsDiff(run.output.data, expected.data) > convTolerance(64 * 9));
}

TEST_CASE("tiled conv: switched off, the GPU profile runs the register-tiled kernels", "[conv_tiled]") {
    vk::ContextOptions o = gpuProfile("auto", 0);
    o.traits.disabledKernels = "tiled";
    vk::Context context(o);
    CHECK_FALSE(context.traits().tiledConv);
    vk::KernelCache kernels(context);
    Built b = build(kCases[2], 5);
    const Tensor expected = b.expected;
    const Run run = runIn(context, kernels, std::move(b));
    expectClose(run.output, expected, convTolerance(13 * 9));
    CHECK(std::none_of(run.kernels.begin(), run.kernels.end(),
                       [](const std::string& n) { return n.rfind("conv_tiled", 0) == 0; }));
}
