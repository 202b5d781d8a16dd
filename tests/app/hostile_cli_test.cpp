// Hostile input at the command line: test sets that test nothing, files that
// are not files, --output naming an input, huge or wrapping models. Each ends
// as one clear line and a failing exit, never a crash, a hang or a pass.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "support/onnx_builder.h"
#include "support/process.h"
#include "support/test_paths.h"

using namespace resvk::test;
namespace fs = std::filesystem;

namespace {

// Runs resvk under a deadline: a hang shows as exit 124, a crash as 128 + signal.
Result run(const std::vector<std::string>& args) {
    Result r = runResvk(args, "timeout -k 5 60");
    INFO("command: " << r.command << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.code != 124);
    CHECK(r.code < 128);
    return r;
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

// One line "resvk: error: ..." naming `mention`, a failing exit code.
void requireCleanError(const Result& r, const std::string& mention) {
    INFO("exit " << r.code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK((r.code == 1 || r.code == 2));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.rfind("resvk: error: ", 0) == 0);
    CHECK(contains(r.err, mention));
}

void writeTensor(const std::string& path, const std::string& name, const std::vector<int64_t>& dims,
                 const std::vector<float>& values) {
    onnx::TensorProto t;
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t.add_dims(d);
    for (float v : values) t.add_float_data(v);
    std::ofstream f(path, std::ios::binary);
    REQUIRE(t.SerializeToOstream(&f));
}

// A case folder: a Relu over 1x1x2x2 and one sound test set (expected = relu(input)).
std::string reluCase() {
    const std::string dir = tempDir() + "/relu_case";
    fs::create_directories(dir + "/test_data_set_0");
    OnnxBuilder b("relu");
    b.input("x", {1, 1, 2, 2});
    b.node("Relu", "relu", {"x"}, {"y"});
    b.output("y", {1, 1, 2, 2});
    b.save(dir);
    writeTensor(dir + "/test_data_set_0/input_0.pb", "x", {1, 1, 2, 2}, {-1, 2, -3, 4});
    writeTensor(dir + "/test_data_set_0/output_0.pb", "y", {1, 1, 2, 2}, {0, 2, 0, 4});
    return dir;
}

}  // namespace

TEST_CASE("hostile cli: check fails sets that test nothing, naming the file", "[cli][hostile]") {
    const std::string dir = reluCase();
    const std::string set = dir + "/test_data_set_0";
    Result good = run({"check", dir});
    REQUIRE(good.code == 0);  // the sound set passes: each failure below is caused by its one change
    CHECK(contains(good.out, "PASS"));

    SECTION("no output_*.pb") {
        fs::remove(set + "/output_0.pb");
        Result r = run({"check", dir});
        CHECK(r.code == 1);
        CHECK(contains(r.out, "FAIL"));
        CHECK(contains(r.out, "compares nothing"));
    }
    SECTION("a reference full of inf") {
        const float inf = std::numeric_limits<float>::infinity();
        writeTensor(set + "/output_0.pb", "y", {1, 1, 2, 2}, {inf, inf, inf, inf});
        Result r = run({"check", dir});
        CHECK(r.code == 1);
        CHECK(contains(r.out, "output_0.pb"));
        CHECK(contains(r.out, "non-finite"));
    }
    SECTION("an output shape that differs from the reference's") {
        writeTensor(set + "/output_0.pb", "y", {4}, {0, 2, 0, 4});
        Result r = run({"check", dir});
        CHECK(r.code == 1);
        CHECK(contains(r.out, "output_0.pb"));
        CHECK(contains(r.out, "has shape 1x1x2x2, the reference has 4"));
    }
    SECTION("a gap in the input numbering") {
        fs::rename(set + "/input_0.pb", set + "/input_1.pb");
        Result r = run({"check", dir});
        CHECK(r.code == 1);
        CHECK(contains(r.out, "input_0.pb is missing"));
    }
    SECTION("a FIFO as a test set file does not hang") {
        fs::remove(set + "/input_0.pb");
        REQUIRE(::mkfifo((set + "/input_0.pb").c_str(), 0600) == 0);
        Result r = run({"check", dir});
        CHECK(r.code == 1);
        CHECK(contains(r.out, "FIFO"));
    }
}

TEST_CASE("hostile cli: a folder, a device or a FIFO is not a model file", "[cli][hostile]") {
    const std::string dir = tempDir();
    requireCleanError(run({"info", dir}), "is a folder");
    requireCleanError(run({"info", "/dev/zero"}), "is a device");
    REQUIRE(::mkfifo((dir + "/m.onnx").c_str(), 0600) == 0);
    requireCleanError(run({"info", dir + "/m.onnx"}), "FIFO");
    requireCleanError(run({"models", "verify", dir + "/m.onnx"}), "FIFO");
    const std::string model = sharedPath("models/cifar10/resnet20_cifar10.onnx");
    requireCleanError(
        run({"classify", sharedPath("media/squirrel_cls.jpg"), "--model", model, "--labels", dir + "/m.onnx"}), "FIFO");
}

TEST_CASE("hostile cli: a refused connection is not called offline", "[cli][hostile]") {
    const std::string url = "http://127.0.0.1:" + std::to_string(freeLocalPort(SOCK_STREAM)) + "/resnet18-v1-7.onnx";
    Result r = run({"models", "pull", "resnet18-v1-7", "--from", url, "--to", tempDir(), "--timeout", "5"});
    requireCleanError(r, "connection refused");
    CHECK(!contains(r.err, "offline"));
}

TEST_CASE("hostile cli: wrapping dims and huge folds are one-line errors in every command", "[cli][hostile]") {
    const std::string dir = tempDir();
    OnnxBuilder wrap("wrap");  // the 187-byte crash
    wrap.input("x", {1, 3, 32, 32});
    wrap.init("big", {int64_t{1} << 32, int64_t{1} << 32}, {});
    wrap.node("Relu", "relu", {"x"}, {"y"});
    wrap.output("y", {1, 3, 32, 32});
    const std::string wrapPath = wrap.write(dir + "/wrap.onnx");

    OnnxBuilder fill("fill");  // a few hundred bytes asking for 2^40 floats
    fill.input("x", {1, 3, 32, 32});
    auto* dims = fill.g->add_initializer();
    dims->set_name("dims");
    dims->set_data_type(onnx::TensorProto::INT64);
    dims->add_dims(2);
    dims->add_int64_data(int64_t{1} << 20);
    dims->add_int64_data(int64_t{1} << 20);
    fill.node("ConstantOfShape", "huge_fill", {"dims"}, {"c"});
    fill.node("Add", "add", {"x", "c"}, {"y"});
    fill.output("y");
    const std::string fillPath = fill.write(dir + "/fill.onnx");

    const std::string photo = sharedPath("media/squirrel_cls.jpg");
    requireCleanError(run({"info", wrapPath}), "tensor 'big'");
    requireCleanError(run({"classify", photo, "--model", wrapPath}), "tensor 'big'");
    Result r = run({"info", fillPath});
    requireCleanError(r, "huge_fill");
    CHECK(r.seconds < 30);
    requireCleanError(run({"classify", photo, "--model", fillPath}), "huge_fill");
}

TEST_CASE("hostile cli: --output never overwrites an input", "[cli][hostile]") {
    const std::string dir = tempDir();
    const std::string clip = dir + "/clip.avi";
    fs::copy_file(sharedPath("media/tree.avi"), clip);
    const auto before = slurp(clip);
    fs::create_hard_link(clip, dir + "/same.avi");
    const std::string model = sharedPath("models/cifar10/resnet20_cifar10.onnx");
    for (const std::string& out : {clip, dir + "/./clip.avi", dir + "/same.avi"}) {
        Result r = run({"classify", clip, "--model", model, "--no-crop", "--output", out});
        requireCleanError(r, "--output");
        CHECK(contains(r.err, "is the input"));
    }
    requireCleanError(run({"classify", clip, "--model", model, "--output", model}), "is the input");
    CHECK(slurp(clip) == before);
}

TEST_CASE("hostile cli: video from standard input is streamed", "[cli][hostile]") {
    const std::string clip = sharedPath("media/tree.avi");
    const std::string model = sharedPath("models/cifar10/resnet20_cifar10.onnx");
    // in an inner shell: runCaptured's own "</dev/null" must not replace the pipe
    const std::string pipeline = "cat " + quote(clip) + " | timeout -k 5 120 " + quote(resvkBinary()) +
                                 " classify - --model " + quote(model) + " --no-crop --every 20 --json";
    Result r = runCaptured("sh -c " + quote(pipeline));
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.code == 0);
    CHECK(contains(r.out, "\"frame\""));
}
