// Small models built with the protobuf API: BatchNorm folding checked
// numerically against the unfolded math, Gemm/MatMul lowering, unsupported ops
// and external data.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "model/model.h"
#include "support/onnx_builder.h"
#include "support/test_paths.h"

using namespace resvk::model;

namespace {

struct Builder : resvk::test::OnnxBuilder {
    explicit Builder(int opset = 13) : OnnxBuilder("synthetic", opset) {}
};

using resvk::test::attrFloat;
using resvk::test::attrInt;
using resvk::test::attrInts;
using resvk::test::attrString;

std::vector<float> ramp(size_t n, float scale, float offset) {
    std::vector<float> v(n);
    for (size_t k = 0; k < n; ++k) v[k] = std::sin(static_cast<float>(k) * 1.7f + offset) * scale;
    return v;
}

// Naive NCHW convolution with symmetric padding (stride 1, group 1).
std::vector<float> conv(const std::vector<float>& x, const Shape& xs, const std::vector<float>& w, const Shape& ws,
                        const std::vector<float>& b, int pad) {
    const int64_t n = xs[0], c = xs[1], h = xs[2], wd = xs[3], co = ws[0], kh = ws[2], kw = ws[3];
    const int64_t oh = h + 2 * pad - kh + 1, ow = wd + 2 * pad - kw + 1;
    std::vector<float> y(static_cast<size_t>(n * co * oh * ow));
    for (int64_t in = 0; in < n; ++in)
        for (int64_t o = 0; o < co; ++o)
            for (int64_t i = 0; i < oh; ++i)
                for (int64_t j = 0; j < ow; ++j) {
                    double acc = b.empty() ? 0.0 : b[static_cast<size_t>(o)];
                    for (int64_t ci = 0; ci < c; ++ci)
                        for (int64_t a = 0; a < kh; ++a)
                            for (int64_t bb = 0; bb < kw; ++bb) {
                                const int64_t yy = i + a - pad, xx = j + bb - pad;
                                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                                acc += x[static_cast<size_t>(((in * c + ci) * h + yy) * wd + xx)] *
                                       w[static_cast<size_t>(((o * c + ci) * kh + a) * kw + bb)];
                            }
                    y[static_cast<size_t>(((in * co + o) * oh + i) * ow + j)] = static_cast<float>(acc);
                }
    return y;
}

struct Bn {
    std::vector<float> gamma, beta, mean, var;
    float eps;
};

std::vector<float> batchNorm(std::vector<float> x, const Shape& s, const Bn& bn) {
    const int64_t plane = s[2] * s[3];
    for (size_t e = 0; e < x.size(); ++e) {
        const auto c = static_cast<size_t>((static_cast<int64_t>(e) / plane) % s[1]);
        x[e] = (x[e] - bn.mean[c]) / std::sqrt(bn.var[c] + bn.eps) * bn.gamma[c] + bn.beta[c];
    }
    return x;
}

void addBn(Builder& b, const std::string& prefix, const Bn& bn, const std::string& in, const std::string& out) {
    const auto c = static_cast<int64_t>(bn.gamma.size());
    b.init(prefix + "_g", {c}, bn.gamma);
    b.init(prefix + "_b", {c}, bn.beta);
    b.init(prefix + "_m", {c}, bn.mean);
    b.init(prefix + "_v", {c}, bn.var);
    auto* n =
        b.node("BatchNormalization", prefix, {in, prefix + "_g", prefix + "_b", prefix + "_m", prefix + "_v"}, {out});
    attrFloat(n, "epsilon", bn.eps);
}

Bn makeBn(size_t c, float seed) {
    Bn bn{ramp(c, 0.5f, seed), ramp(c, 0.3f, seed + 1), ramp(c, 0.2f, seed + 2), ramp(c, 0.4f, seed + 3), 1e-3f};
    for (float& g : bn.gamma) g += 1.0f;
    for (float& v : bn.var) v = std::fabs(v) + 0.1f;
    return bn;
}

}  // namespace

TEST_CASE("BatchNorm folds into Conv; a pre-activation BN stays standalone", "[model]") {
    const Shape xs{2, 2, 5, 5}, ws{3, 2, 3, 3};
    const Bn pre = makeBn(2, 0.1f), post = makeBn(3, 0.7f);
    const auto w = ramp(static_cast<size_t>(elementCount(ws)), 0.4f, 0.3f);
    const auto bias = ramp(3, 0.2f, 2.0f);
    Builder b;
    b.input("x", {-1, 2, 5, 5});
    addBn(b, "bn0", pre, "x", "a");
    b.init("W", ws, w);
    b.init("B", {3}, bias);
    auto* c = b.node("Conv", "conv", {"a", "W", "B"}, {"c"});
    attrInts(c, "pads", {1, 1, 1, 1});
    attrInts(c, "kernel_shape", {3, 3});
    addBn(b, "bn1", post, "c", "d");
    b.node("Relu", "", {"d"}, {"y"});
    b.output("y", {-1, 3, 5, 5});
    const std::string dir = resvk::test::tempDir();
    const Model m = Model::load(b.save(dir));
    const Program p = m.compile({xs});
    REQUIRE(p.layers.size() == 2);
    const Layer& l0 = p.layers[0];
    const Layer& l1 = p.layers[1];
    CHECK(l0.kind == LayerKind::BatchNorm);
    CHECK(l0.name == "bn0");
    CHECK(l1.kind == LayerKind::Conv);
    CHECK(l1.name == "conv");
    CHECK(l1.fusedOps == std::vector<std::string>{"Conv", "BatchNormalization", "Relu"});
    CHECK(l1.relu);
    CHECK(l1.window.padBegin[0] == 1);
    CHECK(l1.window.padEnd[1] == 1);
    CHECK(p.values[static_cast<size_t>(p.outputs[0])].shape == Shape{2, 3, 5, 5});

    const auto x = ramp(static_cast<size_t>(elementCount(xs)), 1.0f, 0.0f);
    // unfolded reference
    auto ref = batchNorm(conv(batchNorm(x, xs, pre), xs, w, ws, bias, 1), {2, 3, 5, 5}, post);
    for (float& v : ref) v = std::max(v, 0.0f);
    // what the runtime will compute from the Program
    std::vector<float> a = x;
    for (size_t e = 0; e < a.size(); ++e) {
        const size_t ch = (e / 25) % 2;
        a[e] = a[e] * l0.weights[ch] + l0.bias[ch];
    }
    auto got = conv(a, xs, l1.weights, l1.weightShape, l1.bias, 1);
    for (float& v : got) v = std::max(v, 0.0f);
    REQUIRE(got.size() == ref.size());
    for (size_t e = 0; e < got.size(); ++e) CHECK(got[e] == Approx(ref[e]).margin(1e-5));
}

TEST_CASE("BN after a Conv whose output is also a graph output is not folded", "[model]") {
    Builder b;
    b.input("x", {1, 1, 3, 3});
    b.init("W", {1, 1, 1, 1}, {2.0f});
    b.node("Conv", "conv", {"x", "W"}, {"c"});
    addBn(b, "bn", makeBn(1, 0.2f), "c", "d");
    b.output("c", {1, 1, 3, 3});
    b.output("d", {1, 1, 3, 3});
    const Model m = Model::load(b.save(resvk::test::tempDir()));
    const Program p = m.compile({{1, 1, 3, 3}});
    REQUIRE(p.layers.size() == 2);
    CHECK(p.layers[1].kind == LayerKind::BatchNorm);
    CHECK(p.outputs.size() == 2);
}

TEST_CASE("Gemm and MatMul fold alpha, beta, transB and a bias Add", "[model]") {
    Builder b(11);
    b.input("x", {-1, 3});
    b.init("B", {3, 2}, {1, 2, 3, 4, 5, 6});  // [K, M], transB = 0
    b.init("C", {2}, {10, 20});
    auto* g = b.node("Gemm", "gemm", {"x", "B", "C"}, {"g"});
    attrFloat(g, "alpha", 2.0f);
    attrFloat(g, "beta", 0.5f);
    b.node("Relu", "relu", {"g"}, {"r"});
    b.init("M", {2, 2}, {1, 0, 0, 1});
    b.node("MatMul", "mm", {"r", "M"}, {"m"});
    b.init("bias", {2}, {1, -1});
    b.node("Add", "add", {"m", "bias"}, {"y"});
    b.output("y", {-1, 2});
    const Model m = Model::load(b.save(resvk::test::tempDir()));
    const Program p = m.compile({{4, 3}});
    REQUIRE(p.layers.size() == 2);
    const Layer& l = p.layers[0];
    CHECK(l.kind == LayerKind::Gemm);
    CHECK(l.relu);
    CHECK(l.weightShape == Shape{2, 3});
    CHECK(l.weights == std::vector<float>{2, 6, 10, 4, 8, 12});
    CHECK(l.bias == std::vector<float>{5, 10});
    const Layer& l2 = p.layers[1];
    CHECK(l2.kind == LayerKind::Gemm);
    CHECK(l2.fusedOps == std::vector<std::string>{"MatMul", "Add"});
    CHECK(l2.bias == std::vector<float>{1, -1});
    CHECK(p.values[static_cast<size_t>(p.outputs[0])].shape == Shape{4, 2});
}

TEST_CASE("unsupported ops are listed or thrown, naming the node", "[model]") {
    Builder b;
    b.input("x", {1, 4});
    b.node("Relu", "r", {"x"}, {"a"});
    b.node("LeakyRelu", "leaky", {"a"}, {"y"});
    b.output("y", {1, 4});
    const Model m = Model::load(b.save(resvk::test::tempDir()));
    std::vector<std::string> unsupported;
    m.compile({{1, 4}}, &unsupported);
    CHECK(unsupported == std::vector<std::string>{"LeakyRelu (node 'leaky')"});
    CHECK_THROWS_WITH(m.compile({{1, 4}}), Catch::Contains("unsupported op LeakyRelu in node 'leaky'"));
}

TEST_CASE("softmax, opset 11 semantics, and constant graph outputs", "[model]") {
    Builder b(11);
    b.input("x", {1, 5, 1, 1});
    auto* s = b.node("Softmax", "sm", {"x"}, {"y"});
    attrInt(s, "axis", 1);
    b.init("k", {2}, {1, 2});
    b.node("Mul", "mulconst", {"k", "k"}, {"kk"});
    b.output("y", {1, 5, 1, 1});
    b.output("kk", {2});
    const Model m = Model::load(b.save(resvk::test::tempDir()));
    const Program p = m.compile({{1, 5, 1, 1}});
    REQUIRE(p.layers.size() == 1);
    CHECK(p.layers[0].kind == LayerKind::Softmax);
    CHECK(p.layers[0].axis == 1);
    REQUIRE(p.constOutputs.size() == 1);
    CHECK(p.constOutputs[0].data == std::vector<float>{1, 4});
    CHECK(p.outputs.size() == 2);
}

TEST_CASE("external data is read relative to the model, and missing data is an error", "[model]") {
    const std::string dir = resvk::test::tempDir();
    Builder b;
    b.input("x", {1, 1, 2, 2});
    auto* t = b.g->add_initializer();
    t->set_name("W");
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int k = 0; k < 4; ++k) t->add_dims(1);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto kv = [&](const char* key, const std::string& value) {
        auto* e = t->add_external_data();
        e->set_key(key);
        e->set_value(value);
    };
    kv("location", "weights.bin");
    kv("offset", "4");
    kv("length", "4");
    b.node("Conv", "conv", {"x", "W"}, {"y"});
    b.output("y", {1, 1, 2, 2});
    const std::string path = b.save(dir);
    CHECK_THROWS_WITH(Model::load(path), Catch::Contains("external data") && Catch::Contains("weights.bin") &&
                                             Catch::Contains("not found"));
    {
        std::ofstream f(dir + "/weights.bin", std::ios::binary);
        const float v[2] = {7.0f, 3.5f};
        f.write(reinterpret_cast<const char*>(v), sizeof v);
    }
    const Program p = Model::load(path).compile({{1, 1, 2, 2}});
    REQUIRE(p.layers.size() == 1);
    CHECK(p.layers[0].weights == std::vector<float>{3.5f});
}

TEST_CASE("pooling windows resolve auto_pad, ceil_mode and dilations", "[model]") {
    Builder b(12);
    b.input("x", {1, 1, 6, 6});
    auto* m1 = b.node("MaxPool", "ceil", {"x"}, {"a"});
    attrInts(m1, "kernel_shape", {2, 2});
    attrInts(m1, "strides", {2, 2});
    attrInts(m1, "pads", {0, 0, 1, 1});
    attrInt(m1, "ceil_mode", 1);
    auto* m2 = b.node("AveragePool", "lower", {"x"}, {"c"});
    attrInts(m2, "kernel_shape", {3, 3});
    attrInts(m2, "strides", {2, 2});
    attrInt(m2, "count_include_pad", 1);
    attrString(m2, "auto_pad", "SAME_LOWER");
    auto* m3 = b.node("MaxPool", "dilated", {"x"}, {"d"});
    attrInts(m3, "kernel_shape", {2, 2});
    attrInts(m3, "dilations", {2, 2});
    b.output("a");
    b.output("c");
    b.output("d");
    const Model m = Model::load(b.save(resvk::test::tempDir()));
    const Program p = m.compile({{1, 1, 6, 6}});
    REQUIRE(p.layers.size() == 3);
    auto shape = [&](int k) { return p.values[static_cast<size_t>(p.layers[static_cast<size_t>(k)].output)].shape; };
    // ceil((6 + 1 - 2) / 2) + 1 = 4, but the 4th window would start in the end padding
    CHECK(shape(0) == Shape{1, 1, 3, 3});
    CHECK(shape(1) == Shape{1, 1, 3, 3});
    CHECK(p.layers[1].window.padBegin[0] == 1);
    CHECK(p.layers[1].window.padEnd[0] == 0);
    CHECK(p.layers[1].countIncludePad);
    CHECK(shape(2) == Shape{1, 1, 4, 4});
    CHECK(p.layers[2].window.dilation[1] == 2);
}

TEST_CASE("opset 9 attribute forms of Pad, Slice, Squeeze, Unsqueeze, Flatten and Softmax", "[model]") {
    Builder b(9);
    b.input("x", {-1, 2, 4, 4});
    auto* pad = b.node("Pad", "pad", {"x"}, {"p"});
    attrInts(pad, "pads", {0, 0, 1, -1, 0, 0, 2, 0});
    attrFloat(pad, "value", 1.5f);
    auto* sl = b.node("Slice", "slice", {"p"}, {"s"});
    attrInts(sl, "starts", {1, 1});
    attrInts(sl, "ends", {-1, 100});
    attrInts(sl, "axes", {2, 3});
    auto* st = b.node("Slice", "neg", {"s"}, {"s2"});
    attrInts(st, "starts", {0});
    attrInts(st, "ends", {1});
    attrInts(st, "axes", {-3});
    auto* sq = b.node("Squeeze", "sq", {"s2"}, {"q"});
    attrInts(sq, "axes", {1});
    auto* un = b.node("Unsqueeze", "unsq", {"q"}, {"u"});
    attrInts(un, "axes", {1});
    b.node("Flatten", "flat", {"u"}, {"f"});
    b.node("Softmax", "", {"f"}, {"y"});
    b.output("y");
    const Model m = Model::load(b.save(resvk::test::tempDir()));
    std::vector<std::string> unsupported;
    const Program p = m.compile({{2, 2, 4, 4}}, &unsupported);
    CAPTURE(unsupported);
    CHECK(unsupported.empty());
    REQUIRE(p.layers.size() == 7);
    auto shape = [&](size_t k) { return p.values[static_cast<size_t>(p.layers[k].output)].shape; };
    const Layer& l0 = p.layers[0];
    CHECK(l0.kind == LayerKind::Pad);
    CHECK(l0.starts == std::vector<int64_t>{0, 0, 1, -1});
    CHECK(l0.steps == std::vector<int64_t>{0, 0, 2, 0});
    CHECK(l0.padValue == 1.5f);
    CHECK(shape(0) == Shape{2, 2, 7, 3});
    CHECK(p.layers[1].kind == LayerKind::Slice);
    CHECK(p.layers[1].starts == std::vector<int64_t>{0, 0, 1, 1});
    CHECK(p.layers[1].steps == std::vector<int64_t>{1, 1, 1, 1});
    CHECK(shape(1) == Shape{2, 2, 5, 2});
    CHECK(shape(2) == Shape{2, 1, 5, 2});
    CHECK(p.layers[3].kind == LayerKind::Reshape);
    CHECK(shape(3) == Shape{2, 5, 2});
    CHECK(shape(4) == Shape{2, 1, 5, 2});
    CHECK(shape(5) == Shape{2, 10});
    CHECK(p.layers[6].kind == LayerKind::Softmax);
    CHECK(p.layers[6].axis == 1);
    CHECK(p.layers[6].name == "Softmax_6");  // unnamed: op type and node index
}

TEST_CASE("opset 6 BatchNormalization with is_test folds; is_test=0 and spatial=0 are unsupported", "[model]") {
    for (int variant = 0; variant < 3; ++variant) {
        INFO("variant " << variant);
        Builder b(6);
        b.input("x", {1, 2, 3, 3});
        b.init("s", {2}, {2, 1});
        b.init("bias", {2}, {0.5f, 0});
        b.init("mean", {2}, {1, 0});
        b.init("var", {2}, {4, 1});
        auto* bn = b.node("BatchNormalization", "bn", {"x", "s", "bias", "mean", "var"}, {"y"});
        if (variant != 1) attrInt(bn, "is_test", 1);
        if (variant == 2) attrInt(bn, "spatial", 0);
        attrInts(bn, "consumed_inputs", {0, 0, 0, 1, 1});  // the legacy in-place hint is ignored
        attrFloat(bn, "epsilon", 0.0f);
        b.output("y", {1, 2, 3, 3});
        const Model m = Model::load(b.save(resvk::test::tempDir()));
        CHECK(m.opset() == 6);
        if (variant == 0) {
            const Program p = m.compile({{1, 2, 3, 3}});
            REQUIRE(p.layers.size() == 1);
            CHECK(p.layers[0].kind == LayerKind::BatchNorm);
            CHECK(p.layers[0].weights == std::vector<float>{1.0f, 1.0f});  // 2/sqrt(4), 1/sqrt(1)
            CHECK(p.layers[0].bias == std::vector<float>{-0.5f, 0.0f});    // 0.5 - 1*1
        } else {
            CHECK_THROWS_WITH(m.compile({{1, 2, 3, 3}}), Catch::Contains("BatchNormalization in node 'bn'") &&
                                                             Catch::Contains(variant == 1 ? "is_test=0" : "spatial=0"));
        }
    }
}

TEST_CASE("opsets above 17 are an error; opset 1 loads", "[model]") {
    Builder b(18);
    b.input("x", {1, 4});
    b.node("Relu", "r", {"x"}, {"y"});
    b.output("y", {1, 4});
    CHECK_THROWS_WITH(Model::load(b.save(resvk::test::tempDir(), "opset18.onnx")),
                      Catch::Contains("unsupported opset 18 (supported: 1-17)"));
    b.model.mutable_opset_import(0)->set_version(1);
    const Model m = Model::load(b.save(resvk::test::tempDir(), "opset1.onnx"));
    CHECK(m.opset() == 1);
    CHECK(m.compile({{1, 4}}).layers.size() == 1);
}

TEST_CASE("opset 6 Add broadcasts B along axis; Concat-1 defaults to axis 1; Pad-1 reads paddings", "[model]") {
    Builder b(1);
    b.input("x", {1, 3, 2, 2});
    b.init("c", {3}, {1, 2, 3});
    auto* add = b.node("Add", "add", {"x", "c"}, {"a"});
    attrInt(add, "broadcast", 1);
    attrInt(add, "axis", 1);
    b.node("Concat", "cat", {"a", "x"}, {"cc"});
    auto* pad = b.node("Pad", "pad", {"cc"}, {"y"});
    attrInts(pad, "paddings", {0, 0, 1, 0, 0, 0, 0, 1});
    b.output("y", {1, 6, 3, 3});
    const Model m = Model::load(b.save(resvk::test::tempDir()));
    const Program p = m.compile({{1, 3, 2, 2}});
    CHECK(p.values[static_cast<size_t>(p.outputs.at(0))].shape == Shape{1, 6, 3, 3});
    bool sawAffine = false;
    for (const auto& l : p.layers)
        if (l.kind == LayerKind::BatchNorm) {
            sawAffine = true;
            CHECK(l.bias == std::vector<float>{1, 2, 3});
        }
    CHECK(sawAffine);

    Builder bad(6);
    bad.input("x", {1, 3, 2, 2});
    bad.init("c", {3}, {1, 2, 3});
    bad.node("Add", "add", {"x", "c"}, {"y"});  // broadcast=0: shapes must match
    bad.output("y", {1, 3, 2, 2});
    CHECK_THROWS_WITH(Model::load(bad.save(resvk::test::tempDir(), "bad_add.onnx")).compile({{1, 3, 2, 2}}),
                      Catch::Contains("broadcast=0"));
}

TEST_CASE("an optional/sequence graph input is a one-line error naming the input", "[model]") {
    const std::string dir = resvk::test::onnxTestData("node/test_identity_opt");
    CHECK_THROWS_WITH(Model::load(dir + "/model.onnx"),
                      Catch::Contains("input 'opt_in' is an optional/sequence type, which resvk does not support"));
    CHECK_THROWS_WITH(readTensorFile(dir + "/test_data_set_0/input_0.pb"),
                      Catch::Contains("is an optional/sequence type, which resvk does not support"));
}
