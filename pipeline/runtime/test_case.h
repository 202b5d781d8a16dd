#pragma once
// Runs a folder in ONNX's backend-test layout (model.onnx, test_data_set_K/
// input_*.pb, output_*.pb) and measures the error of every output.
#include <string>
#include <vector>

#include "runtime/engine.h"

namespace resvk::runtime {

struct Tolerance {
    double rtol = 1e-3;
    double atol = 1e-4;
};

struct TestSetResult {
    std::string name;  // e.g. "test_data_set_0"
    bool passed = false;
    std::string error;  // set when the set could not run
    double maxAbsError = 0.0;
    double maxRelError = 0.0;  // |a-b| / |b| at the worst element
    int64_t mismatches = 0;    // elements with |a-b| > atol + rtol*|b|
};

struct CaseResult {
    std::string dir;
    std::string error;  // set when the model could not load/compile
    std::vector<TestSetResult> sets;
    bool passed() const;
};

// Errors (unreadable model, unsupported op, bad data) are reported in the
// result, never thrown, so a user running many cases sees all of them.
CaseResult runTestCase(vk::Context& context, const std::string& dir, const Tolerance& tolerance);

}  // namespace resvk::runtime
