// --precision end to end through the resvk binary: every shared reference case
// passes `resvk check --precision fp16` with top-1 equal to PyTorch's fp32 on
// every image, fp16 really changes the numbers, classify agrees with fp32, and
// info/bench report it (memory halved, per layer in --profile); bad values are
// one clear line.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>
#include <string>

#include "support/process.h"
#include "support/test_paths.h"

using namespace resvk;
using Catch::Contains;

namespace {

test::Result runCli(const std::vector<std::string>& args, const std::string& prefix = "") {
    test::Result r = test::runResvk(args, prefix);
    INFO("command: " << r.command << "\nexit " << r.code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.code < 128);
    return r;
}

int count(const std::string& s, const std::string& part) {
    int n = 0;
    for (size_t p = s.find(part); p != std::string::npos; p = s.find(part, p + 1)) ++n;
    return n;
}

// Sets of a check --json document whose top-1 rows all agree with the reference.
int setsWithTop1Agreeing(const std::string& json) {
    const std::regex rows("\"top1_rows\":(\\d+),\"top1_agree\":(\\d+)");
    int n = 0;
    for (auto it = std::sregex_iterator(json.begin(), json.end(), rows); it != std::sregex_iterator(); ++it)
        n += (*it)[1] == (*it)[2];
    return n;
}

double jsonNumber(const std::string& json, const std::string& key) {
    const size_t p = json.find("\"" + key + "\":");
    REQUIRE(p != std::string::npos);
    return std::strtod(json.c_str() + p + key.size() + 3, nullptr);
}

std::string cifar20() {
    return test::sharedPath("models/cifar10/resnet20_cifar10.onnx");
}

}  // namespace

TEST_CASE("check --precision fp16: every reference case passes, top-1 as PyTorch's fp32", "[precision][cli]") {
    const std::string root = test::sharedPath("models/reference/");
    // The CPU profile forced to fp16: its Winograd and subgroup-weights kernels in fp16.
    auto r = runCli({"check", root + "cifar_resnet20", root + "torchvision_resnet18", root + "torchvision_resnet50",
                     "--precision", "fp16", "--json"},
                    "env -u RESVK_DEVICE_PROFILE -u RESVK_FORCE_STAGING");
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("\"precision\":\"fp16\"") && Contains("\"peak_tol\":0.01"));
    const int sets = 5 + 3 + 3;
    CHECK(count(r.out, "\"passed\":true") == sets);
    CHECK(count(r.out, "\"failed\":0") == 1);
    CHECK(setsWithTop1Agreeing(r.out) == sets);
}

TEST_CASE("check --precision fp16 under the GPU profile: really fp16, yet close", "[precision][cli]") {
    const std::string dir = test::sharedPath("models/reference/cifar_resnet20");
    // The discrete-GPU configuration (GPU profile, staging memory) with halves asked for.
    auto r = runCli({"check", dir, "--device-profile", "gpu", "--precision", "fp16", "--json"},
                    "env RESVK_FORCE_STAGING=1");
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("\"precision\":\"fp16\""));
    CHECK(setsWithTop1Agreeing(r.out) == 5);
    // At fp32's tolerances the same run fails: the numbers did go through halves.
    r = runCli({"check", dir, "--device-profile", "gpu", "--precision", "fp16", "--rtol", "1e-3", "--atol", "1e-4",
                "--peak-tol", "0"},
               "env RESVK_FORCE_STAGING=1");
    CHECK(r.code == 1);
    CHECK_THAT(r.out, Contains("mismatches") && Contains("(fp16, rtol 0.001, atol 0.0001, peak-tol 0)"));
    // And the profile's default, fp32, passes them.
    r = runCli({"check", dir, "--device-profile", "gpu"}, "env -u RESVK_PRECISION RESVK_FORCE_STAGING=1");
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Contains("5 passed, 0 failed (fp32, rtol 0.001, atol 0.0001, peak-tol 0)"));
}

TEST_CASE("classify in fp16 agrees with fp32 on photos", "[precision][cli]") {
    auto run = [](const std::string& precision) {
        return runCli({"classify", test::sharedPath("media/squirrel_cls.jpg"), test::sharedPath("media/orange.jpg"),
                       "--model", cifar20(), "--resize", "32", "--no-crop", "--json", "--top", "1", "--precision",
                       precision, "--device-profile", "gpu"});
    };
    const auto half = run("fp16"), full = run("fp32");
    REQUIRE(half.code == 0);
    REQUIRE(full.code == 0);
    const std::regex top("\"label\":\"[^\"]*\",\"index\":(\\d+),\"prob\":([0-9.e-]+)");
    auto tops = [&](const std::string& json) {
        std::vector<std::pair<int, double>> v;
        for (auto it = std::sregex_iterator(json.begin(), json.end(), top); it != std::sregex_iterator(); ++it)
            v.push_back({std::stoi((*it)[1]), std::stod((*it)[2])});
        return v;
    };
    const auto a = tops(half.out), b = tops(full.out);
    INFO(half.out << "\n" << full.out);
    REQUIRE(a.size() == 2);
    REQUIRE(b.size() == 2);
    for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].first == b[i].first);
        CHECK(std::abs(a[i].second - b[i].second) < 0.01);
    }
}

TEST_CASE("info and bench report the precision; fp16 halves the memory", "[precision][cli]") {
    // Like for like: fp16 keeps Winograd F(2x2) where fp32 takes F(4x4) (more weights).
    auto half = runCli({"info", cifar20(), "--json", "--precision", "fp16"}, "env RESVK_WINOGRAD=2");
    auto full = runCli({"info", cifar20(), "--json", "--precision", "fp32"}, "env RESVK_WINOGRAD=2");
    REQUIRE(half.code == 0);
    REQUIRE(full.code == 0);
    CHECK_THAT(half.out, Contains("\"precision\":\"fp16\"") && Contains("fp16 (forced)"));
    CHECK_THAT(full.out, Contains("\"precision\":\"fp32\""));
    const double weightRatio = jsonNumber(half.out, "weight_bytes") / jsonNumber(full.out, "weight_bytes");
    const double activationRatio = jsonNumber(half.out, "activation_bytes") / jsonNumber(full.out, "activation_bytes");
    CHECK(weightRatio >= 0.5);
    CHECK(weightRatio < 0.53);  // per-layer 256-byte alignment aside, exactly half
    CHECK(activationRatio >= 0.5);
    CHECK(activationRatio < 0.53);
    auto text = runCli({"info", cifar20(), "--precision", "fp16"});
    CHECK_THAT(text.out, Contains("fp16 (forced)"));

    auto bench = runCli(
        {"bench", "--model", cifar20(), "--precision", "fp16", "--iters", "1", "--warmup", "0", "--profile", "--json"});
    REQUIRE(bench.code == 0);
    CHECK_THAT(bench.out, Contains("\"precision\":\"fp16\""));
    // Every profiled layer says fp16 (+1: the run's own key).
    CHECK(count(bench.out, "\"precision\":\"fp16\"") == count(bench.out, "\"ms\":") + 1);
    CHECK(count(bench.out, "\"precision\":\"fp32\"") == 0);
    auto table = runCli({"bench", "--model", cifar20(), "--iters", "1", "--warmup", "0", "--profile"},
                        "env -u RESVK_PRECISION -u RESVK_DEVICE_PROFILE");
    REQUIRE(table.code == 0);
    CHECK_THAT(table.out, Contains("precision\n") && Contains(" fp32\n") && Contains("cpu, mapped memory, fp32"));
}

TEST_CASE("--precision: bad values are one clear line", "[precision][cli]") {
    auto bad = runCli({"info", cifar20(), "--precision", "fp8"});
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Contains("--precision") && Contains("auto, fp32 or fp16") && Contains("'fp8'"));
    CHECK(count(bad.err, "\n") == 1);
    auto badEnv = runCli({"bench", "--model", cifar20(), "--iters", "1"}, "env RESVK_PRECISION=half");
    CHECK(badEnv.code == 1);
    CHECK_THAT(badEnv.err, Contains("RESVK_PRECISION") && Contains("'half'"));
    CHECK(count(badEnv.err, "\n") == 1);
    auto help = runCli({"help", "check"});
    CHECK_THAT(help.out, Contains("--precision") && Contains("--peak-tol"));
}
