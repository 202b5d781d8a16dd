// `resvk models` and `--model NAME`: the registry listing, name resolution through
// RESVK_MODELS and the cache, pulling from a local mirror with SHA-256 checks, and
// a clean failure when offline. Runs the built binary (RESVK_BIN).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include <libavutil/mem.h>
#include <libavutil/sha.h>
}

#include "support/process.h"
#include "support/test_paths.h"

using namespace resvk::test;
namespace fs = std::filesystem;

namespace {

// Runs resvk with `env` added to (or replacing) the environment.
Result run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    std::string prefix = "env";
    for (const auto& [k, v] : env) prefix.append(" ").append(quote(k + "=" + v));
    return runResvk(args, prefix);
}

std::string sha256Hex(const std::string& bytes) {
    struct AVSHA* sha = av_sha_alloc();
    REQUIRE(sha);
    av_sha_init(sha, 256);
    av_sha_update(sha, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    uint8_t digest[32];
    av_sha_final(sha, digest);
    av_free(sha);
    std::string hex;
    for (uint8_t b : digest) {
        static const char* d = "0123456789abcdef";
        hex.push_back(d[b >> 4]);
        hex.push_back(d[b & 15]);
    }
    return hex;
}

// One line on stderr, prefixed like every resvk error.
void requireOneLineError(const Result& r, const std::string& needle) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 1);
    REQUIRE(r.err.rfind("resvk: error: ", 0) == 0);
    REQUIRE(r.err.find('\n') == r.err.size() - 1);
    REQUIRE(r.err.find(needle) != std::string::npos);
}

std::vector<std::string> listDir(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    return names;
}

const std::vector<std::string> kNames = {"resnet18-v1-7",  "resnet34-v1-7", "resnet50-v1-7", "resnet101-v1-7",
                                         "resnet152-v1-7", "resnet18-v2-7", "resnet34-v2-7", "resnet50-v2-7",
                                         "resnet101-v2-7", "resnet152-v2-7"};

}  // namespace

TEST_CASE("models lists the ten Model Zoo ResNets with input size, top-1 and status", "[models]") {
    const std::string cache = tempDir();
    Result r = run({"models"}, {{"XDG_CACHE_HOME", cache}, {"RESVK_MODELS", ""}});
    INFO(r.err);
    REQUIRE(r.code == 0);
    for (const auto& n : kNames) {
        INFO(n << "\n" << r.out);
        REQUIRE(r.out.find(n + " ") != std::string::npos);
    }
    CHECK(r.out.find("69.70%") != std::string::npos);  // resnet18-v2-7 as published
    CHECK(r.out.find("78.20%") != std::string::npos);  // resnet152-v2-7
    CHECK(r.out.find("224") != std::string::npos);
    CHECK(r.out.find("not downloaded") != std::string::npos);

    Result j = run({"models", "--json"}, {{"XDG_CACHE_HOME", cache}, {"RESVK_MODELS", ""}});
    REQUIRE(j.code == 0);
    for (const auto& n : kNames) CHECK(j.out.find("\"name\":\"" + n + "\"") != std::string::npos);
    CHECK(j.out.find("\"sha256\":\"3b4d048057854022232aa20bf68262e31718ab7119a17f920b8a2dc1433f824b\"") !=
          std::string::npos);
    CHECK(j.out.find("\"sha256\":null") != std::string::npos);  // unknown checksums stay unknown
}

TEST_CASE("--model NAME finds NAME.onnx in a RESVK_MODELS folder", "[models]") {
    const std::string empty = tempDir(), dir = tempDir(), cache = tempDir();
    fs::copy_file(sharedPath("models/cifar10/resnet20_cifar10.onnx"), dir + "/resnet20_cifar10.onnx");
    Result r = run({"info", "resnet20_cifar10"}, {{"RESVK_MODELS", empty + "::" + dir}, {"XDG_CACHE_HOME", cache}});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("input  Nx3x32x32") != std::string::npos);  // the CIFAR ResNet-20 was loaded
    CHECK(r.out.find("logits  Nx10") != std::string::npos);

    // The stem with .onnx works too; without RESVK_MODELS it is just a missing file.
    CHECK(run({"info", "resnet20_cifar10.onnx"}, {{"RESVK_MODELS", dir}, {"XDG_CACHE_HOME", cache}}).code == 0);
    requireOneLineError(run({"info", "resnet20_cifar10"}, {{"RESVK_MODELS", empty}, {"XDG_CACHE_HOME", cache}}),
                        "no such model file or known model name 'resnet20_cifar10' (see `resvk models`)");

    // The download cache is searched after RESVK_MODELS.
    fs::create_directories(cache + "/resvk/models");
    fs::copy_file(sharedPath("models/cifar10/resnet20_cifar10.onnx"), cache + "/resvk/models/resnet20_cifar10.onnx");
    Result c = run({"info", "resnet20_cifar10"}, {{"RESVK_MODELS", empty}, {"XDG_CACHE_HOME", cache}});
    INFO(c.err);
    REQUIRE(c.code == 0);
    CHECK(c.out.find("input  Nx3x32x32") != std::string::npos);
}

TEST_CASE("a registry name that is not downloaded gives the pull hint", "[models]") {
    const std::string empty = tempDir();
    const std::map<std::string, std::string> env{{"RESVK_MODELS", empty}, {"XDG_CACHE_HOME", empty}};
    const std::string hint =
        "model 'resnet50-v2-7' is not downloaded: run `resvk models pull resnet50-v2-7` (or put resnet50-v2-7.onnx in "
        "a folder named by RESVK_MODELS)";
    requireOneLineError(run({"info", "resnet50-v2-7"}, env), hint);
    requireOneLineError(run({"classify", sharedPath("media/orange.jpg"), "--model", "resnet50-v2-7"}, env), hint);
    requireOneLineError(run({"info", "resnet51-v2-7"}, env),
                        "no such model file or known model name 'resnet51-v2-7' (see `resvk models`)");
    requireOneLineError(run({"info", empty + "/nothing/here.onnx"}, env), "no such model file");
}

TEST_CASE("pull with a wrong file fails the known checksum and leaves nothing behind", "[models]") {
    const std::string src = tempDir(), to = tempDir();
    const std::string wrong = src + "/resnet18-v2-7.onnx";
    fs::copy_file(sharedPath("models/cifar10/resnet20_cifar10.onnx"), wrong);
    const std::string sha = sha256Hex(slurp(wrong));
    Result r = run({"models", "pull", "resnet18-v2-7", "--from", wrong, "--to", to});
    requireOneLineError(r,
                        "checksum mismatch for resnet18-v2-7: expected sha256 "
                        "3b4d048057854022232aa20bf68262e31718ab7119a17f920b8a2dc1433f824b");
    CHECK(r.err.find("got " + sha) != std::string::npos);
    CHECK(listDir(to).empty());  // neither the model nor the temporary file

    // verify says the same about the file itself.
    Result v = run({"models", "verify", wrong});
    CHECK(v.code == 1);
    CHECK(v.out.find(sha + "  " + wrong) != std::string::npos);
    CHECK(v.out.find("does NOT match") != std::string::npos);
}

TEST_CASE("pull of a model without a known checksum from a mirror saves it, not verified", "[models]") {
    const std::string src = tempDir(), to = tempDir(), cache = tempDir();
    const std::string mirror = src + "/mirror.onnx";
    fs::copy_file(sharedPath("models/cifar10/resnet20_cifar10.onnx"), mirror);
    const std::string bytes = slurp(mirror);
    const std::string sha = sha256Hex(bytes);

    Result r = run({"models", "pull", "resnet50-v1-7", "--from", mirror, "--to", to});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("sha256 " + sha) != std::string::npos);
    CHECK(r.out.find("not verified (no known checksum)") != std::string::npos);
    REQUIRE(listDir(to) == std::vector<std::string>{"resnet50-v1-7.onnx"});
    CHECK(slurp(to + "/resnet50-v1-7.onnx") == bytes);

    // A file:// URL into the default folder (the cache), then found by name.
    Result u = run({"models", "pull", "resnet34-v2-7", "--from", "file://" + mirror}, {{"XDG_CACHE_HOME", cache}});
    INFO(u.out << u.err);
    REQUIRE(u.code == 0);
    CHECK(slurp(cache + "/resvk/models/resnet34-v2-7.onnx") == bytes);
    Result l = run({"models"}, {{"XDG_CACHE_HOME", cache}, {"RESVK_MODELS", to}});
    CHECK(l.out.find(to + "/resnet50-v1-7.onnx") != std::string::npos);
    CHECK(l.out.find(cache + "/resvk/models/resnet34-v2-7.onnx") != std::string::npos);

    Result v = run({"models", "verify", to + "/resnet50-v1-7.onnx"});
    CHECK(v.code == 0);
    CHECK(v.out.find(sha) == 0);
    CHECK(v.out.find("not verified (no known checksum)") != std::string::npos);

    // A missing mirror is a plain error, not "offline".
    requireOneLineError(run({"models", "pull", "resnet50-v1-7", "--from", src + "/absent.onnx", "--to", to, "--force"}),
                        "absent.onnx");
    requireOneLineError(run({"models", "pull", "resnet99-v1-7"}), "unknown model 'resnet99-v1-7'");
}

TEST_CASE("pull from the real URL fails cleanly and quickly when offline", "[models]") {
    const std::string to = tempDir();
    Result r = run({"models", "pull", "resnet18-v2-7", "--to", to, "--timeout", "5"});
    INFO(r.out << r.err);
    if (r.code == 0) {  // a machine with internet: then it must have been verified
        WARN("online: resnet18-v2-7 was downloaded");
        CHECK(r.out.find(", verified)") != std::string::npos);
        return;
    }
    CHECK(r.seconds < 15);
    requireOneLineError(r,
                        "cannot download resnet18-v2-7: network unreachable (offline?) — copy resnet18-v2-7.onnx "
                        "into a folder named by RESVK_MODELS instead");
    CHECK(listDir(to).empty());
}
