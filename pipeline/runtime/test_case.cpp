#include "runtime/test_case.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace resvk::runtime {

namespace fs = std::filesystem;

namespace {

// input_0.pb, input_1.pb, ... in index order (not lexicographic: input_10 after input_9).
std::vector<std::string> numbered(const fs::path& dir, const std::string& prefix) {
    std::vector<std::string> files;
    for (int i = 0;; ++i) {
        fs::path p = dir / (prefix + std::to_string(i) + ".pb");
        if (!fs::exists(p)) break;
        files.push_back(p.string());
    }
    return files;
}

void compare(const model::HostTensor& got, const model::HostTensor& want, const Tolerance& tol, TestSetResult& r) {
    if (got.data.size() != want.data.size()) {
        r.error = "output '" + want.name + "' has shape " + model::toString(got.shape) + ", expected " +
                  model::toString(want.shape);
        return;
    }
    for (size_t i = 0; i < got.data.size(); ++i) {
        const double a = got.data[i], b = want.data[i];
        const double diff = std::fabs(a - b);
        if (std::isnan(a) != std::isnan(b) || diff > tol.atol + tol.rtol * std::fabs(b)) ++r.mismatches;
        if (std::isnan(diff)) continue;
        r.maxAbsError = std::max(r.maxAbsError, diff);
        if (std::fabs(b) > 0) r.maxRelError = std::max(r.maxRelError, diff / std::fabs(b));
    }
}

}  // namespace

bool CaseResult::passed() const {
    return error.empty() && !sets.empty() &&
           std::all_of(sets.begin(), sets.end(), [](const TestSetResult& s) { return s.passed; });
}

CaseResult runTestCase(vk::Context& context, const std::string& dir, const Tolerance& tolerance) {
    CaseResult result{dir, {}, {}};
    try {
        model::Model model = model::Model::load((fs::path(dir) / "model.onnx").string());
        Engine engine(context, model);
        std::vector<fs::path> setDirs;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0)
                setDirs.push_back(e.path());
        std::sort(setDirs.begin(), setDirs.end());
        if (setDirs.empty()) result.error = "no test_data_set_* folders in " + dir;
        for (const auto& setDir : setDirs) {
            TestSetResult r;
            r.name = setDir.filename().string();
            try {
                std::vector<model::HostTensor> inputs, expected;
                for (const auto& f : numbered(setDir, "input_")) inputs.push_back(model::readTensorFile(f));
                for (const auto& f : numbered(setDir, "output_")) expected.push_back(model::readTensorFile(f));
                auto outputs = engine.run(inputs);
                if (outputs.size() < expected.size())
                    r.error = "model gave " + std::to_string(outputs.size()) + " outputs, expected " +
                              std::to_string(expected.size());
                for (size_t i = 0; r.error.empty() && i < expected.size(); ++i)
                    compare(outputs[i], expected[i], tolerance, r);
            } catch (const std::exception& e) {
                r.error = e.what();
            }
            r.passed = r.error.empty() && r.mismatches == 0;
            result.sets.push_back(r);
        }
    } catch (const std::exception& e) {
        result.error = e.what();
    }
    return result;
}

}  // namespace resvk::runtime
