// Importing the real ResNets: every exporter subgraph folds away, BN is folded,
// residual adds and ReLUs are fused, and the statistics match the literature.
#include <catch2/catch.hpp>

#include "model/model.h"
#include "support/test_paths.h"

using namespace resvk::model;

namespace {

int countKind(const Program& p, LayerKind kind) {
    int n = 0;
    for (const Layer& l : p.layers) n += l.kind == kind;
    return n;
}

bool isGpuKind(LayerKind k) {
    switch (k) {
        case LayerKind::Conv:
        case LayerKind::Gemm:
        case LayerKind::Relu:
        case LayerKind::Add:
        case LayerKind::MaxPool:
        case LayerKind::AveragePool:
        case LayerKind::GlobalAveragePool:
        case LayerKind::Reshape:
        case LayerKind::Slice:
        case LayerKind::Pad:
            return true;
        default:
            return false;
    }
}

const Shape& outputShape(const Program& p) {
    REQUIRE(p.outputs.size() == 1);
    return p.values.at(static_cast<size_t>(p.outputs[0])).shape;
}

void checkWellFormed(const Program& p) {
    std::vector<bool> defined(p.values.size(), false);
    for (int v : p.inputs) defined.at(static_cast<size_t>(v)) = true;
    for (const Layer& l : p.layers) {
        for (int v : l.inputs) CHECK(defined.at(static_cast<size_t>(v)));
        if (l.residual >= 0) {
            CHECK(defined.at(static_cast<size_t>(l.residual)));
            CHECK(p.values[static_cast<size_t>(l.residual)].shape == p.values[static_cast<size_t>(l.output)].shape);
        }
        CHECK_FALSE(defined.at(static_cast<size_t>(l.output)));
        defined[static_cast<size_t>(l.output)] = true;
        CHECK_FALSE(l.name.empty());
        CHECK_FALSE(l.fusedOps.empty());
    }
    for (int v : p.outputs) CHECK(defined.at(static_cast<size_t>(v)));
}

}  // namespace

TEST_CASE("CIFAR ResNets fold to GPU layers only", "[model]") {
    const int depths[] = {20, 32, 44, 56};
    for (int depth : depths) {
        const Model m =
            Model::load(resvk::test::sharedPath("models/cifar10/resnet" + std::to_string(depth) + "_cifar10.onnx"));
        REQUIRE(m.opset() == 13);
        REQUIRE(m.inputs().size() == 1);
        CHECK(m.inputs()[0].shape == Shape{-1, 3, 32, 32});
        for (int64_t batch : {1, 3}) {
            INFO("resnet" << depth << " batch " << batch);
            std::vector<std::string> unsupported;
            const Program p = m.compile({{batch, 3, 32, 32}}, &unsupported);
            CHECK(unsupported.empty());
            checkWellFormed(p);
            for (const Layer& l : p.layers) CHECK(isGpuKind(l.kind));
            const int convs = depth - 1;
            CHECK(countKind(p, LayerKind::Conv) == convs);
            CHECK(countKind(p, LayerKind::Gemm) == 1);
            CHECK(countKind(p, LayerKind::Add) == 0);   // all fused as residuals
            CHECK(countKind(p, LayerKind::Relu) == 0);  // all fused
            CHECK(countKind(p, LayerKind::Pad) == 2);   // option-A shortcuts
            int residuals = 0;
            for (const Layer& l : p.layers) residuals += l.residual >= 0;
            CHECK(residuals == (depth - 2) / 2);
            CHECK(outputShape(p) == Shape{batch, 10});
            CHECK(p.values.at(static_cast<size_t>(p.inputs[0])).shape == Shape{batch, 3, 32, 32});
        }
    }
}

TEST_CASE("option-A shortcut becomes Slice and Pad with explicit parameters", "[model]") {
    const Model m = Model::load(resvk::test::sharedPath("models/cifar10/resnet20_cifar10.onnx"));
    const Program p = m.compile({{2, 3, 32, 32}});
    std::vector<const Layer*> pads;
    for (const Layer& l : p.layers)
        if (l.kind == LayerKind::Pad) pads.push_back(&l);
    REQUIRE(pads.size() == 2);
    CHECK(pads[0]->starts == std::vector<int64_t>{0, 8, 0, 0});
    CHECK(pads[0]->steps == std::vector<int64_t>{0, 8, 0, 0});
    CHECK(pads[0]->padValue == 0.0f);
    CHECK(p.values[static_cast<size_t>(pads[0]->output)].shape == Shape{2, 32, 16, 16});
    for (const Layer& l : p.layers) {
        if (l.kind != LayerKind::Slice) continue;
        CHECK(l.starts.size() == 4);
        CHECK(l.steps.size() == 4);
    }
}

TEST_CASE("torchvision ResNet-18/50 compile with exact statistics", "[model]") {
    struct Case {
        const char* dir;
        double macs;
        int convs;
    };
    const Case cases[] = {{"torchvision_resnet18", 1.82e9, 20}, {"torchvision_resnet50", 4.09e9, 53}};
    for (const Case& c : cases) {
        INFO(c.dir);
        const Model m = Model::load(resvk::test::sharedPath(std::string("models/reference/") + c.dir + "/model.onnx"));
        for (int64_t batch : {1, 2}) {
            std::vector<std::string> unsupported;
            const Program p = m.compile({{batch, 3, 224, 224}}, &unsupported);
            CHECK(unsupported.empty());
            checkWellFormed(p);
            CHECK(countKind(p, LayerKind::BatchNorm) == 0);
            CHECK(countKind(p, LayerKind::Conv) == c.convs);
            CHECK(countKind(p, LayerKind::MaxPool) == 1);
            CHECK(countKind(p, LayerKind::GlobalAveragePool) == 1);
            CHECK(countKind(p, LayerKind::Gemm) == 1);
            CHECK(outputShape(p) == Shape{batch, 1000});
            const ProgramStats s = computeStats(p);
            CHECK(static_cast<double>(s.macs) == Approx(c.macs * static_cast<double>(batch)).epsilon(0.02));
        }
    }
    const Model r50 = Model::load(resvk::test::sharedPath("models/reference/torchvision_resnet50/model.onnx"));
    CHECK(computeStats(r50.compile({{1, 3, 224, 224}})).parameters == Approx(25.5e6).epsilon(0.01));
}

TEST_CASE("readTensorFile reads backend-test tensors", "[model]") {
    const HostTensor t =
        readTensorFile(resvk::test::sharedPath("models/reference/cifar_resnet20/test_data_set_0/input_0.pb"));
    CHECK(t.shape == Shape{1, 3, 32, 32});
    CHECK(t.data.size() == 3 * 32 * 32);
    const HostTensor o =
        readTensorFile(resvk::test::sharedPath("models/reference/cifar_resnet20/test_data_set_0/output_0.pb"));
    CHECK(o.shape == Shape{1, 10});
    CHECK_THROWS_AS(readTensorFile("/nonexistent/input_0.pb"), Error);
}

TEST_CASE("shape helpers", "[model]") {
    CHECK(toString(Shape{1, 3, 224, 224}) == "1x3x224x224");
    CHECK(toString(Shape{-1, 3}) == "?x3");
    CHECK(elementCount(Shape{2, 3, 4}) == 24);
    CHECK(std::string(toString(LayerKind::GlobalAveragePool)) == "GlobalAveragePool");
}
