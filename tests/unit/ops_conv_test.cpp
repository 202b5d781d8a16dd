// Conv and Gemm layers on the GPU against the naive CPU reference, on awkward
// shapes: odd channel counts, every kernel size ResNets use and more, strides
// 1-3, asymmetric padding, dilation, groups, depthwise, batch 3, fused
// residual + ReLU, pixel counts that are not multiples of the register tile.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "ops/tensor.h"
#include "ops/winograd.h"
#include "reference/op_harness.h"

using namespace resvk;
using namespace resvk::reference;

namespace {

struct ConvCase {
    int64_t n, cin, h, w, cout;
    int kh, kw;
    int strideH, strideW;
    int padT, padL, padB, padR;
    int dilH, dilW;
    int group;
    bool bias, residual, relu;
};

std::string describe(const ConvCase& c) {
    std::ostringstream s;
    s << "x " << c.n << "x" << c.cin << "x" << c.h << "x" << c.w << " -> " << c.cout << ", kernel " << c.kh << "x"
      << c.kw << ", stride " << c.strideH << "x" << c.strideW << ", pads (t,l,b,r) " << c.padT << "," << c.padL << ","
      << c.padB << "," << c.padR << ", dilation " << c.dilH << "x" << c.dilW << ", group " << c.group
      << (c.bias ? ", bias" : ", no bias") << (c.residual ? ", residual" : "") << (c.relu ? ", relu" : "");
    return s.str();
}

struct Built {
    model::Program program;
    std::vector<Tensor> inputs;
    Tensor expected;
    int64_t k;
    std::vector<double> slack;  // fp16 Winograd's extra allowed error per element (empty: none)
};

std::vector<float> absolute(std::vector<float> v) {
    for (float& x : v) x = std::fabs(x);
    return v;
}

// fp16 Winograd (the CPU profile's 3x3 stride-1 layers) also stores the
// transformed input tiles and the 16 GEMM results as halves. Each is a sum of
// products of inputs and weights, so its rounding costs at most 2^-11 of the
// sum of their magnitudes; through the transforms those errors add up with
// random signs. Allowed: 2^-11 * sum |x| |w| over the output's taps, the bound
// for rounding every product once (measured worst: 0.3 of it, ResNet-like
// 64-channel case). Direct kernels need none of it.
std::vector<double> winogradSlack(const ConvCase& c, const model::Layer& l, const Tensor& x) {
    ops::ConvGeometry g;
    g.kernel[0] = c.kh, g.kernel[1] = c.kw, g.stride[0] = c.strideH, g.stride[1] = c.strideW;
    g.dilation[0] = c.dilH, g.dilation[1] = c.dilW, g.group = c.group;
    const auto in = ops::view4(x.shape);
    const bool winograd =
        fp16() && ops::winogradTile(g, in, {1, int(c.cout), 1, 1}, gpuContext().traits().winogradTile) != 0;
    if (!winograd) return {};
    const Tensor magnitude =
        conv2d({x.shape, absolute(x.data)}, absolute(l.weights), l.weightShape, {}, l.window, c.group);
    std::vector<double> slack(magnitude.data.size());
    for (size_t i = 0; i < slack.size(); ++i) slack[i] = magnitude.data[i] / 2048.0;
    return slack;
}

Built build(const ConvCase& c, uint32_t seed) {
    model::Layer l;
    l.kind = model::LayerKind::Conv;
    l.window.kernel[0] = c.kh;
    l.window.kernel[1] = c.kw;
    l.window.stride[0] = c.strideH;
    l.window.stride[1] = c.strideW;
    l.window.dilation[0] = c.dilH;
    l.window.dilation[1] = c.dilW;
    l.window.padBegin[0] = c.padT;
    l.window.padBegin[1] = c.padL;
    l.window.padEnd[0] = c.padB;
    l.window.padEnd[1] = c.padR;
    l.group = c.group;
    l.weightShape = {c.cout, c.cin / c.group, c.kh, c.kw};
    l.weights = testValues(size_t(c.cout * (c.cin / c.group) * c.kh * c.kw), seed + 1);
    if (c.bias) l.bias = testValues(size_t(c.cout), seed + 2);
    l.relu = c.relu;
    Tensor x = testTensor({c.n, c.cin, c.h, c.w}, seed);
    Tensor y = conv2d(x, l.weights, l.weightShape, l.bias, l.window, c.group);
    std::vector<Tensor> inputs{x};
    std::vector<model::Shape> shapes{x.shape};
    if (c.residual) {
        Tensor res = testTensor(y.shape, seed + 3);
        y = add(y, res);
        inputs.push_back(res);
        shapes.push_back(res.shape);
    }
    if (c.relu) y = relu(y);
    const model::Shape outShape = y.shape;
    std::vector<double> slack = winogradSlack(c, l, x);
    return {oneLayer(l, shapes, outShape, c.residual), inputs, y, (c.cin / c.group) * c.kh * c.kw, std::move(slack)};
}

//                 n  cin  h   w cout kh kw sh sw  pt pl pb pr dh dw grp bias   res    relu
const ConvCase kConvCases[] = {
    {1, 1, 5, 5, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, false, false},     // 1x1, 1 channel
    {1, 3, 11, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false, false},    // non-square, odd channels
    {1, 3, 11, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, false, false, true},    // stride 2, no bias
    {3, 5, 9, 13, 13, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1, true, false, false},   // batch 3, 5x5
    {1, 3, 15, 15, 17, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1, true, false, true},   // stem-like 7x7/2
    {1, 7, 10, 9, 5, 3, 3, 3, 3, 0, 1, 2, 1, 1, 1, 1, true, false, false},    // stride 3, asymmetric pads
    {1, 13, 12, 11, 7, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, true, false, false},  // dilation 2
    {1, 12, 8, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, true, false, false},    // group 3
    {1, 10, 7, 9, 15, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, true, false, true},    // group 5, 2 in / 3 out
    {1, 17, 9, 7, 17, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 17, true, false, false},  // depthwise, stride 2
    {1, 5, 8, 6, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, false, false, false},   // depthwise multiplier 2
    {3, 13, 7, 7, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true, true},     // residual + relu, batch 3
    {1, 7, 6, 5, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, false, true, false},     // residual without relu
    {1, 33, 9, 9, 17, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1, false, false, false},  // 1x1/2 downsample
    {1, 5, 3, 3, 7, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, false, false},     // 9 output pixels
    {1, 3, 5, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false, false},     // 35 output pixels
    {3, 4, 6, 10, 8, 1, 5, 1, 2, 0, 2, 0, 2, 1, 1, 1, true, false, true},     // 1x5 kernel, stride 1x2
    {1, 6, 13, 8, 9, 3, 1, 2, 1, 1, 0, 0, 0, 2, 1, 1, true, false, false},    // 3x1, stride 2x1, dilation 2x1
    {1, 32, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true, true},   // 32 channels, residual
    {1, 64, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false, true},  // the larger case
    // 3x3 stride 1 with >= 16 channels runs as Winograd on CPU devices (F(4x4,3x3);
    // F(2x2,3x3) in the ops_tests.winograd2 run): odd output sizes (partial
    // tiles), no padding, asymmetric padding, batch 2.
    {2, 19, 9, 7, 21, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true, true},      // Winograd, odd tiles
    {1, 16, 8, 11, 16, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, false, false, false},  // Winograd, no padding
    {1, 17, 6, 6, 18, 3, 3, 1, 1, 2, 0, 1, 2, 1, 1, 1, true, false, false},    // Winograd, asymmetric pads
    {1, 70, 9, 9, 66, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true, true},      // Winograd, GEMM in channel lanes
    // At most half a workgroup of tiles: several channel texels per transform
    // workgroup (winograd_place.glsl): 1 tile (8 texels a workgroup, 9 texels in,
    // 10 out: partial groups) and 3 tiles (2 texels a workgroup, 2 lanes idle).
    {1, 36, 4, 4, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true, true},    // Winograd, 1 tile
    {1, 24, 4, 12, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false, true},  // Winograd, 3 tiles
    // <= 28 output pixels and >= 64 output channels on CPU devices: output channels
    // across lanes (conv2d_lanes.comp), 8, 4 and 1 pixels per invocation; with a
    // multiple of 64 output channels the lanes share the inputs (SUBGROUP_INPUTS),
    // and from 16 pixels on each lane takes 4 channels x 16 pixels.
    {1, 13, 7, 7, 70, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, false, true},   // channel lanes, stride 2
    {2, 9, 3, 4, 67, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, false, true, false},   // channel lanes, 1x1, batch 2
    {1, 21, 4, 3, 65, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, true, true},    // channel lanes, 4 pixels
    {1, 6, 9, 9, 64, 7, 7, 4, 4, 3, 3, 2, 2, 1, 1, 1, true, false, false},   // channel lanes, 7x7/4, 4 pixels
    {1, 9, 3, 3, 64, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, false, true},    // channel lanes, 1 pixel
    {1, 13, 7, 7, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, true, true},   // shared inputs, 16 pixels (4 x 16)
    {1, 11, 9, 7, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, false, true},   // 4 x 16, 20 pixels (a partial block)
    {1, 13, 5, 5, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, true, false},  // shared inputs, 9 pixels (8 x 8)
    {1, 10, 5, 3, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, false, false, true},  // shared inputs, 6 pixels
    {1, 20, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, true, false},   // Winograd GEMM, shared inputs
    // 49 output pixels: pixels across lanes again, weights shared (conv2d_sg_*).
    {1, 30, 13, 13, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, false, true},  // 7x7 output, stride 2
    // 196 output pixels, 115 channels: 5 pixels per lane fill the rows better
    // than 4 (40 blocks in 5 rows of 8, the last block one pixel); a partial
    // channel group (29 texels), the padded frame.
    {1, 22, 28, 28, 115, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, true, true},  // 14x14 output, 4 x 5
};

}  // namespace

TEST_CASE("Conv matches the naive reference", "[ops][conv]") {
    uint32_t seed = 100;
    for (const ConvCase& c : kConvCases) {
        seed += 10;
        SECTION(describe(c)) {
            INFO(describe(c));
            Built b = build(c, seed);
            const Tensor got = runOnGpu(std::move(b.program), b.inputs);
            expectClose(got, b.expected, convTolerance(b.k), b.slack.empty() ? nullptr : &b.slack);
        }
    }
}

TEST_CASE("the conv cases reach every register-tile kernel the device picks from", "[ops][conv]") {
    // The cases above are only worth their names if the chooser sends them to
    // these kernels; a new threshold must not leave one of them untested.
    std::set<std::string> ran;
    uint32_t seed = 100;
    for (const ConvCase& c : kConvCases) {
        runtime::Plan plan(gpuContext(), gpuKernels(), build(c, seed += 10).program);
        for (const auto& name : plan.kernelNames()) ran.insert(name);
    }
    const vk::DeviceTraits& t = gpuContext().traits();
    // Every profile: grouped convolutions and pixel-lane tiles small enough for
    // these layers (the GPU profile asks for tens of thousands of invocations).
    std::vector<std::string> want = {"conv_grouped", "conv2d_o2p4", "conv2d_o1p4"};
    if (t.tiledConv) want = {"conv_grouped", "conv_tiled_"};  // shared-memory tiles (any block size)
    if (t.profile == vk::DeviceProfile::Cpu) {
        want = {"conv_grouped", "conv2d_lanes_o2p8", "conv2d_lanes_o2p4", "conv2d_lanes_o2p1"};
        // From queues where the device queues (kernels of one pinned subgroup).
        const bool queued = ops::Recorder::queuesTiles(t);
        const std::string q = queued ? "_q" : "";
        if (t.winogradTile == 4) want.insert(want.end(), {"winograd4_input" + q, "winograd4_output" + q});
        if (t.winogradTile == 2) want.insert(want.end(), {"winograd_input" + q, "winograd_output" + q});
        const std::string sg = queued ? "sgq" : "sg";
        if (t.sharedWeightsSubgroup)
            want.insert(want.end(),
                        {"conv2d_" + sg + "_o4p4", "conv2d_" + sg + "_o4p5", "conv2d_lanes_" + sg + "_o1p16",
                         "conv2d_lanes_" + sg + "_o2p8", "conv2d_lanes_" + sg + "_o2p4"});
    }
    for (const auto& name : want) {
        INFO(name);  // a name, its _fp16 twin, or for a prefix any kernel it starts
        CHECK(std::any_of(ran.begin(), ran.end(), [&](const std::string& r) { return r.rfind(name, 0) == 0; }));
    }
}

// The plan's kernels that take their workgroups from a queue (shaders.cmake:
// the sgq tiles and the _q transforms, or their _fp16 twins).
std::set<std::string> queuedKernels(const runtime::Plan& plan) {
    std::set<std::string> queued;
    for (std::string n : plan.kernelNames()) {
        if (n.size() > 5 && n.compare(n.size() - 5, 5, "_fp16") == 0) n.resize(n.size() - 5);
        if (n.find("sgq_") != std::string::npos || (n.size() > 2 && n.compare(n.size() - 2, 2, "_q") == 0))
            queued.insert(n);
    }
    return queued;
}

bool recordsQueuedKernels(const runtime::Plan& plan) {
    return !queuedKernels(plan).empty();
}

TEST_CASE("queued kernels compute every tile, on every replay of the plan", "[ops][conv]") {
    // More tiles than a queued dispatch launches workgroups (vk/command_stream.cpp),
    // so workgroups claim several. No bias, no ReLU: twice the input gives twice
    // the output, so a replay whose queue was not reset (every tile taken, none
    // computed, the last run's output left in place) shows.
    struct QueuedCase {
        ConvCase conv;
        const char* kernel;  // the queued kernel it exists for (F(4x4) plans)
    };
    const QueuedCase cases[] = {
        // 1x1, 32 -> 64 channels, 2x48x48: 144 pixel blocks x 4 channel groups.
        {{2, 32, 48, 48, 64, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, false, false, false}, "conv2d_sgq_o4p4"},
        // 3x3, 64 channels, 2x28x28: Winograd transforms of 98 tiles x 16 channel texels.
        {{2, 64, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, false, false, false}, "winograd4_output_q"},
        // 3x3, 256 channels, 1x14x14: Winograd GEMMs of 16 tiles, channels across lanes.
        {{1, 256, 14, 14, 256, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, false, false, false}, "conv2d_lanes_sgq_o1p16"},
    };
    const vk::DeviceTraits& t = gpuContext().traits();
    const bool queues = ops::Recorder::queuesTiles(t);
    uint32_t seed = 7;
    for (const QueuedCase& qc : cases) {
        INFO(describe(qc.conv));
        Built b = build(qc.conv, seed += 10);
        runtime::Plan plan(gpuContext(), gpuKernels(), b.program);
        const std::set<std::string> queued = queuedKernels(plan);
        CHECK(!queued.empty() == queues);
        if (queues && t.winogradTile == 4) CHECK(queued.count(qc.kernel) == 1);
        for (float scale : {1.0f, 2.0f, 1.0f}) {
            Tensor x = b.inputs.at(0), want = b.expected;
            for (float& v : x.data) v *= scale;
            for (float& v : want.data) v *= scale;
            auto outputs = plan.run({{b.program.values[size_t(b.program.inputs[0])].name, x.shape, x.data}});
            REQUIRE(outputs.size() == 1);
            expectClose({outputs[0].shape, outputs[0].data}, want, convTolerance(b.k) * scale,
                        b.slack.empty() ? nullptr : &b.slack);
        }
    }
}

TEST_CASE("queued convolution tiles: no workgroup loops past lavapipe's loop budget", "[ops][conv][loop_budget]") {
    // 3x3/2, 512 -> 512 channels, 14x14 -> 7x7: 64 tiles of 128 x 9 reduction
    // steps each. One workgroup taking them all would pass gallivm's 65535 loop
    // iterations per invocation, after which its loops silently stop: wrong
    // sums from the ~28th tile on. ops_tests.one_driver_thread runs this with
    // one lavapipe thread, where the first workgroup would otherwise take every tile.
    const ConvCase c{1, 512, 14, 14, 512, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, false, true};
    Built b = build(c, 11);
    const vk::DeviceTraits& t = gpuContext().traits();
    CHECK(recordsQueuedKernels(runtime::Plan(gpuContext(), gpuKernels(), b.program)) == ops::Recorder::queuesTiles(t));
    const Tensor got = runOnGpu(std::move(b.program), b.inputs);
    expectClose(got, b.expected, convTolerance(b.k), b.slack.empty() ? nullptr : &b.slack);
}

TEST_CASE("padded layers on CPU devices run the pixels that cannot reach the padding without checks", "[ops][conv]") {
    // 3x3/2 on 30x30 -> 15x15, batch 2: rows and columns 1..14 read no padding,
    // the frame is row 0 and column 0; the two dispatches read the weights as
    // often as one would.
    const ConvCase split{2, 16, 30, 30, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, true, true};
    // Only the bottom and right edges are padded: the frame is the last row and column.
    const ConvCase endsOnly{1, 16, 28, 30, 16, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 1, false, false, true};
    // One more row and column: stride 2 never reaches the padding, one unchecked dispatch.
    const ConvCase unreached{1, 16, 29, 31, 16, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 1, false, false, true};
    // A 7x7 output: its frame would cost a second pass over the weights.
    const ConvCase whole{1, 32, 14, 14, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, false, true};
    const bool splits = gpuContext().traits().splitPadded;  // the CPU profile's default (gpu_path_test)
    uint32_t seed = 40;
    for (const auto& [c, dispatches] : {std::pair{split, splits ? 2u : 1u}, std::pair{endsOnly, splits ? 2u : 1u},
                                        std::pair{unreached, 1u}, std::pair{whole, 1u}}) {
        INFO(describe(c));
        Built b = build(c, seed += 10);
        // Only the register-tiled kernels split (the GPU profile's shared-memory
        // tiles have dispatches of their own); the CPU profile always runs them.
        const auto names = runtime::Plan(gpuContext(), gpuKernels(), b.program).kernelNames();
        const bool registerTiled =
            std::all_of(names.begin(), names.end(), [](const std::string& n) { return n.rfind("conv2d", 0) == 0; });
        CHECK((registerTiled || !splits));
        if (registerTiled) CHECK(names.size() == dispatches);
        const Tensor got = runOnGpu(std::move(b.program), b.inputs);
        expectClose(got, b.expected, convTolerance(b.k), b.slack.empty() ? nullptr : &b.slack);
    }
}

TEST_CASE("Conv sweep: odd channels x kernel sizes x strides", "[ops][conv]") {
    // Every combination of input channels, kernel and stride; the rest of the
    // geometry (output channels, image size, padding, batch, group, dilation)
    // rotates through awkward values so each appears with many of the others.
    const int64_t channels[] = {1, 3, 5, 7, 13, 17, 33};
    const int64_t outChannels[] = {5, 1, 7, 13, 3, 17, 33, 6};
    const int kernels[] = {1, 3, 5, 7};
    const int strides[] = {1, 2, 3};
    const int64_t sizes[][2] = {{11, 7}, {9, 9}, {7, 12}, {13, 5}, {8, 10}};
    uint32_t seed = 5000;
    int i = 0;
    for (int64_t cin : channels)
        for (int k : kernels)
            for (int stride : strides) {
                ++i;
                seed += 10;
                ConvCase c{};
                c.n = i % 4 == 0 ? 3 : 1;
                c.cin = cin;
                c.h = sizes[i % 5][0];
                c.w = sizes[i % 5][1];
                c.cout = outChannels[i % 8];
                c.kh = c.kw = k;
                c.strideH = c.strideW = stride;
                c.dilH = c.dilW = (i % 7 == 3 && k <= 3) ? 2 : 1;
                const int half = k / 2 * c.dilH;
                if (i % 3 == 0) {  // asymmetric
                    c.padT = half;
                    c.padL = 0;
                    c.padB = std::max(0, half - 1);
                    c.padR = half + (k > 1 ? 1 : 0);
                } else if (i % 3 == 1) {
                    c.padT = c.padL = c.padB = c.padR = half;
                }
                c.group = 1;
                if (i % 5 == 2) {  // depthwise, or grouped when the channels share a divisor
                    c.group = int(cin);
                    c.cout = cin * (i % 2 ? 1 : 2);
                }
                c.bias = i % 2 == 0;
                c.residual = i % 6 == 1;
                c.relu = i % 4 == 1;
                // Images smaller than the dilated kernel need padding to give an output.
                const int span = (k - 1) * c.dilH + 1;
                if (c.h + c.padT + c.padB < span || c.w + c.padL + c.padR < span) continue;
                SECTION(describe(c)) {
                    INFO(describe(c));
                    Built b = build(c, seed);
                    const Tensor got = runOnGpu(std::move(b.program), b.inputs);
                    expectClose(got, b.expected, convTolerance(b.k), b.slack.empty() ? nullptr : &b.slack);
                }
            }
}

TEST_CASE("the conv test detects a perturbed weight", "[ops][conv]") {
    const ConvCase c{1, 5, 7, 6, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true, false, false};
    Built b = build(c, 7);
    // The GPU gets one weight changed by 0.05; the reference keeps the original.
    b.program.layers[0].weights[17] += 0.05f;
    const Tensor got = runOnGpu(std::move(b.program), b.inputs);
    const double err = maxAbsDiff(got.data, b.expected.data);
    INFO("max abs error " << err);
    CHECK(worstExcess(got, b.expected, convTolerance(b.k)) > 0);
}

namespace {

struct GemmCase {
    int64_t n, k, m;
    bool bias, relu;
};

}  // namespace

TEST_CASE("Gemm matches the naive reference", "[ops][gemm]") {
    const GemmCase cases[] = {
        {1, 1, 1, true, false},  {1, 3, 5, true, false},   {3, 7, 10, false, false},  {2, 13, 17, true, true},
        {1, 33, 7, false, true}, {3, 65, 13, true, false}, {1, 512, 10, true, false}, {5, 6, 9, false, false},
        // >= 64 outputs on CPU devices (>= 512 on GPU ones): the GEMV-shaped channel-lane kernel.
        {1, 70, 130, true, true}, {5, 37, 67, false, false}, {12, 20, 64, true, false}, {1, 41, 515, true, false},
    };
    uint32_t seed = 900;
    for (const GemmCase& c : cases) {
        seed += 10;
        std::ostringstream name;
        name << "N=" << c.n << " K=" << c.k << " M=" << c.m << (c.bias ? " bias" : " no bias")
             << (c.relu ? " relu" : "");
        SECTION(name.str()) {
            INFO(name.str());
            model::Layer l;
            l.kind = model::LayerKind::Gemm;
            l.weightShape = {c.m, c.k};
            l.weights = testValues(size_t(c.m * c.k), seed + 1);
            if (c.bias) l.bias = testValues(size_t(c.m), seed + 2);
            l.relu = c.relu;
            const Tensor x = testTensor({c.n, c.k}, seed);
            Tensor want = gemm(x, l.weights, c.m, l.bias);
            if (c.relu) want = relu(want);
            const Tensor got = runOnGpu(oneLayer(l, {x.shape}, want.shape), {x});
            expectClose(got, want, convTolerance(c.k));
        }
    }
}
