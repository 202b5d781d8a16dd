// What a user sees for bad files and bad shapes: one Error naming the problem.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "model/model.h"
#include "support/test_paths.h"

using namespace resvk::model;
using Catch::Contains;

namespace {

std::string truncatedCopy(const std::string& src, const std::string& dir, double fraction) {
    std::ifstream in(src, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string path = dir + "/truncated_" + std::to_string(static_cast<int>(fraction * 1000)) + ".onnx";
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(static_cast<double>(bytes.size()) * fraction));
    return path;
}

}  // namespace

TEST_CASE("a missing model file is an error naming the file", "[model]") {
    CHECK_THROWS_WITH(Model::load("/nonexistent/dir/model.onnx"),
                      Contains("/nonexistent/dir/model.onnx") && Contains("not found"));
}

TEST_CASE("a text file renamed .onnx is not an ONNX model", "[model]") {
    const std::string path = resvk::test::tempDir() + "/notes.onnx";
    std::ofstream(path) << "These are my notes, not a neural network.\nSecond line.\n";
    CHECK_THROWS_WITH(Model::load(path), Contains("notes.onnx") && Contains("not an ONNX model"));
}

TEST_CASE("truncated models are rejected", "[model]") {
    const std::string src = resvk::test::sharedPath("models/cifar10/resnet20_cifar10.onnx");
    const std::string dir = resvk::test::tempDir();
    for (double fraction : {0.001, 0.25, 0.5, 0.9, 0.999}) {
        INFO("fraction " << fraction);
        CHECK_THROWS_WITH(Model::load(truncatedCopy(src, dir, fraction)), Contains("truncated"));
    }
}

TEST_CASE("wrong input shapes name the input and both shapes", "[model]") {
    const Model m = Model::load(resvk::test::sharedPath("models/cifar10/resnet20_cifar10.onnx"));
    CHECK_THROWS_WITH(m.compile({{1, 1, 32, 32}}),
                      Contains("input 'input'") && Contains("?x3x32x32") && Contains("1x1x32x32"));
    CHECK_THROWS_WITH(m.compile({{1, 3, 32}}), Contains("input 'input'") && Contains("1x3x32"));
    CHECK_THROWS_WITH(m.compile({}), Contains("1 input"));
    CHECK_THROWS_AS(m.compile({{0, 3, 32, 32}}), Error);
}

TEST_CASE("a corrupt tensor file is an error", "[model]") {
    const std::string path = resvk::test::tempDir() + "/input_0.pb";
    std::ofstream(path) << "garbage garbage garbage";
    CHECK_THROWS_AS(readTensorFile(path), Error);
}
