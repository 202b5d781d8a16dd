#include "support/test_paths.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace resvk::test {

namespace {
std::string envOr(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}
std::string mustExist(const std::string& path) {
    if (!std::filesystem::exists(path)) FAIL("missing test data: " << path);
    return path;
}
}  // namespace

std::string sharedPath(const std::string& relative) {
    return mustExist(envOr("RESVK_SHARED", "../shared") + "/" + relative);
}

std::string onnxTestData(const std::string& relative) {
    return mustExist(envOr("RESVK_ONNX_TESTDATA", "/usr/share/libonnx-testdata/data") + "/" + relative);
}

std::string resvkBinary() {
    return mustExist(envOr("RESVK_BIN", "./resvk"));
}

std::string tempDir() {
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("resvk-test-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    return dir.string();
}

}  // namespace resvk::test
