#include "runtime/test_case.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <new>
#include <set>

namespace resvk::runtime {

namespace fs = std::filesystem;

namespace {

// A test set's input_K.pb / output_K.pb files in index order (input_10 after
// input_9). A gap in the numbering (input_0, input_2) would silently feed the
// wrong tensors to the model's inputs, so it is an error naming the missing file.
std::vector<std::string> numbered(const fs::path& dir, const std::string& prefix) {
    std::set<long> indices;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.size() <= prefix.size() + 3 || name.rfind(prefix, 0) != 0 || name.substr(name.size() - 3) != ".pb")
            continue;
        const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - 3);
        if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 6) continue;
        indices.insert(std::stol(digits));
    }
    std::vector<std::string> files;
    for (long i : indices) {
        const std::string expected = prefix + std::to_string(files.size()) + ".pb";
        if (i != static_cast<long>(files.size()))
            throw model::Error((dir / expected).string() + " is missing, but " +
                               (dir / (prefix + std::to_string(i) + ".pb")).string() + " exists");
        files.push_back((dir / expected).string());
    }
    return files;
}

// Compares one output with its reference file. A set passes only if it really
// tested something: same shape, and a reference of finite numbers (inf or NaN
// in a reference would match anything within "tolerance").
void compare(const model::HostTensor& got, const model::HostTensor& want, const std::string& file, const Tolerance& tol,
             TestSetResult& r) {
    if (got.shape != want.shape) {
        r.error = file + ": output '" + want.name + "' has shape " + model::toString(got.shape) +
                  ", the reference has " + model::toString(want.shape);
        return;
    }
    const auto nonFinite = std::count_if(want.data.begin(), want.data.end(), [](float v) { return !std::isfinite(v); });
    if (nonFinite > 0) {
        r.error = file + ": the reference holds " + std::to_string(nonFinite) +
                  " non-finite value(s) (inf or NaN), which no tolerance can compare";
        return;
    }
    double peak = 0.0;
    for (float v : want.data) peak = std::max(peak, std::fabs(double(v)));
    for (size_t i = 0; i < got.data.size(); ++i) {
        const double a = got.data[i], b = want.data[i];
        const double diff = std::fabs(a - b);
        if (!(diff <= tol.atol + tol.rtol * std::fabs(b) + tol.peak * peak)) ++r.mismatches;  // NaN mismatches
        if (std::isnan(diff)) continue;
        r.maxAbsError = std::max(r.maxAbsError, diff);
        if (std::fabs(b) > 0) r.maxRelError = std::max(r.maxRelError, diff / std::fabs(b));
    }
    if (want.shape.size() == 2 && want.shape[1] >= 2) {
        const auto classes = static_cast<size_t>(want.shape[1]);
        for (size_t row = 0; row + classes <= want.data.size(); row += classes) {
            auto top = [&](const std::vector<float>& v) {
                return std::max_element(v.begin() + row, v.begin() + row + classes) - v.begin();
            };
            ++r.top1Rows;
            r.top1Agree += top(got.data) == top(want.data);
        }
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
                const auto inputFiles = numbered(setDir, "input_");
                const auto outputFiles = numbered(setDir, "output_");
                if (outputFiles.empty())
                    throw model::Error("no output_*.pb in " + setDir.string() + ": the set compares nothing");
                if (outputFiles.size() != model.outputs().size())
                    throw model::Error(setDir.string() + " has " + std::to_string(outputFiles.size()) +
                                       " output_*.pb file(s), the model has " + std::to_string(model.outputs().size()) +
                                       " output(s)");
                for (const auto& f : inputFiles) inputs.push_back(model::readTensorFile(f));
                for (const auto& f : outputFiles) expected.push_back(model::readTensorFile(f));
                auto outputs = engine.run(inputs);
                if (outputs.size() != expected.size())
                    throw model::Error("model gave " + std::to_string(outputs.size()) + " outputs, expected " +
                                       std::to_string(expected.size()));
                for (size_t i = 0; r.error.empty() && i < expected.size(); ++i)
                    compare(outputs[i], expected[i], outputFiles[i], tolerance, r);
            } catch (const std::bad_alloc&) {
                r.error = setDir.string() + ": out of memory";
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
