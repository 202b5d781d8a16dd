#pragma once
// Runs a folder in ONNX's backend-test layout (model.onnx, test_data_set_K/
// input_*.pb, output_*.pb) and measures the error of every output.
#include <string>
#include <vector>

#include "runtime/engine.h"

namespace resvk::runtime {

// An element mismatches when |got - want| > atol + rtol * |want| + peak * max|want|
// (max over that output). `peak` is for fp16: rounding every stored activation to
// 11 bits leaves an error proportional to the activations' size, which reaches
// the small outputs as much as the large ones.
struct Tolerance {
    double rtol = 1e-3;
    double atol = 1e-4;
    double peak = 0.0;
};

struct TestSetResult {
    std::string name;  // e.g. "test_data_set_0"
    bool passed = false;
    std::string error;  // set when the set could not run
    double maxAbsError = 0.0;
    double maxRelError = 0.0;  // |a-b| / |b| at the worst element
    int64_t mismatches = 0;    // elements outside the Tolerance
    // Outputs shaped [N, classes] (classifiers): rows whose largest value is in
    // the same column as the reference's (reported, not a pass criterion).
    int64_t top1Rows = 0;
    int64_t top1Agree = 0;
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
