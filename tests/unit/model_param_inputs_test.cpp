// Weights and op parameters passed as graph inputs (the layout of ONNX's own
// backend node tests): compiled as constants when their values are given.
#include <catch2/catch.hpp>

#include <fstream>

#include "model/model.h"
#include "support/onnx_builder.h"
#include "support/test_paths.h"

using namespace resvk::model;

namespace {

struct Builder : resvk::test::OnnxBuilder {
    Builder() : OnnxBuilder("param_inputs") {}
    using OnnxBuilder::node;
    onnx::NodeProto* node(const std::string& op, std::vector<std::string> in, std::vector<std::string> out) {
        return node(op, op + "_node", in, out);
    }
    Model load() { return Model::load(save(resvk::test::tempDir())); }
};

HostTensor tensor(const std::string& name, Shape shape, std::vector<float> data) {
    return HostTensor{name, std::move(shape), std::move(data)};
}

}  // namespace

TEST_CASE("Conv weights given as graph inputs compile to constants", "[model]") {
    Builder b;
    b.input("X", {1, 2, 3, 3});
    b.input("W", {3, 2, 1, 1});
    b.input("B", {3});
    b.node("Conv", {"X", "W", "B"}, {"Y"});
    b.output("Y", {1, 3, 3, 3});
    const Model m = b.load();
    const std::vector<Shape> shapes = {{1, 2, 3, 3}, {3, 2, 1, 1}, {3}};

    CHECK(m.parameterInputs() == std::vector<bool>{false, true, true});

    SECTION("without values Conv is unsupported") {
        std::vector<std::string> unsupported;
        m.compile(shapes, &unsupported);
        REQUIRE(unsupported.size() == 1);
        CHECK(unsupported[0].find("Conv") == 0);
        CHECK_THROWS_AS(m.compile(shapes), Error);
    }
    SECTION("with values the Program has one input and the weights") {
        const HostTensor x = tensor("X", shapes[0], std::vector<float>(18, 1.0f));
        const HostTensor w = tensor("W", shapes[1], {1, 2, 3, 4, 5, 6});
        const HostTensor bias = tensor("B", shapes[2], {0.5f, -1, 2});
        const std::vector<const HostTensor*> values = {&x, &w, &bias};
        std::vector<std::string> unsupported;
        const Program p = m.compile(shapes, &unsupported, &values);
        CHECK(unsupported.empty());
        REQUIRE(p.inputs.size() == 1);
        CHECK(p.graphInputOfProgramInput == std::vector<int>{0});
        CHECK(p.values[static_cast<size_t>(p.inputs[0])].name == "X");
        CHECK(p.values[static_cast<size_t>(p.inputs[0])].shape == shapes[0]);
        REQUIRE(p.layers.size() == 1);
        CHECK(p.layers[0].kind == LayerKind::Conv);
        CHECK(p.layers[0].weights == std::vector<float>{1, 2, 3, 4, 5, 6});
        CHECK(p.layers[0].weightShape == Shape{3, 2, 1, 1});
        CHECK(p.layers[0].bias == std::vector<float>{0.5f, -1, 2});
    }
    SECTION("a value for the activation input is ignored; null entries are allowed") {
        const HostTensor x = tensor("X", shapes[0], std::vector<float>(18, 1.0f));
        const HostTensor w = tensor("W", shapes[1], {1, 2, 3, 4, 5, 6});
        const std::vector<const HostTensor*> values = {&x, &w, nullptr};
        std::vector<std::string> unsupported;
        const Program p = m.compile(shapes, &unsupported, &values);
        CHECK(unsupported.size() == 1);  // B still unknown
        CHECK(p.graphInputOfProgramInput == std::vector<int>{0, 2});
    }
    SECTION("a value that does not match its shape is an error") {
        const HostTensor w = tensor("W", shapes[1], {1, 2, 3});
        const std::vector<const HostTensor*> values = {nullptr, &w, nullptr};
        std::vector<std::string> unsupported;
        CHECK_THROWS_AS(m.compile(shapes, &unsupported, &values), Error);
        const std::vector<const HostTensor*> tooFew = {nullptr};
        CHECK_THROWS_AS(m.compile(shapes, &unsupported, &tooFew), Error);
    }
}

TEST_CASE("normal models keep every input; parameter inputs may be scalars", "[model]") {
    Builder b;
    b.input("X", {1, 4});
    b.input("pads", {4}, onnx::TensorProto::INT64);
    b.input("value", {}, onnx::TensorProto::FLOAT);
    b.input("Y2", {1, 4});
    b.node("Pad", {"X", "pads", "value"}, {"P"});
    b.node("Add", {"P", "P"}, {"S"});
    b.node("Relu", {"Y2"}, {"R"});
    b.output("S", {1, 7});
    b.output("R", {1, 4});
    const Model m = b.load();
    CHECK(m.parameterInputs() == std::vector<bool>{false, true, true, false});

    const HostTensor pads = tensor("pads", {4}, {0, 1, 0, 2});
    const HostTensor value = tensor("value", {}, {1.5f});
    const std::vector<const HostTensor*> values = {nullptr, &pads, &value, nullptr};
    const Program p = m.compile({{1, 4}, {4}, {}, {1, 4}}, nullptr, &values);
    CHECK(p.graphInputOfProgramInput == std::vector<int>{0, 3});
    REQUIRE(p.inputs.size() == 2);
    bool padFound = false;
    for (const Layer& l : p.layers)
        if (l.kind == LayerKind::Pad) {
            padFound = true;
            CHECK(l.starts == std::vector<int64_t>{0, 1});
            CHECK(l.steps == std::vector<int64_t>{0, 2});
            CHECK(l.padValue == 1.5f);
        }
    CHECK(padFound);

    // without values: same program inputs as before the feature
    std::vector<std::string> unsupported;
    const Program q = m.compile({{1, 4}, {4}, {1}, {1, 4}}, &unsupported);
    CHECK(q.graphInputOfProgramInput == std::vector<int>{0, 1, 2, 3});
    CHECK(q.inputs.size() == 4);
    CHECK(unsupported.size() == 1);
}

TEST_CASE("a Slice end of INT64_MAX survives as a float value", "[model]") {
    Builder b;
    b.input("X", {2, 5});
    b.input("starts", {1}, onnx::TensorProto::INT64);
    b.input("ends", {1}, onnx::TensorProto::INT64);
    b.input("axes", {1}, onnx::TensorProto::INT64);
    b.node("Slice", {"X", "starts", "ends", "axes"}, {"Y"});
    b.output("Y", {2, 4});
    const Model m = b.load();
    const HostTensor starts = tensor("starts", {1}, {1});
    const HostTensor ends = tensor("ends", {1}, {static_cast<float>(INT64_MAX)});
    const HostTensor axes = tensor("axes", {1}, {1});
    const std::vector<const HostTensor*> values = {nullptr, &starts, &ends, &axes};
    const Program p = m.compile({{2, 5}, {1}, {1}, {1}}, nullptr, &values);
    REQUIRE(p.layers.size() == 1);
    CHECK(p.values[static_cast<size_t>(p.layers[0].output)].shape == Shape{2, 4});
}
