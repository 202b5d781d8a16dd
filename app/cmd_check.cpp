// resvk check: runs folders in ONNX's backend-test layout and compares outputs.
#include <filesystem>
#include <iostream>

#include "common.h"
#include "json.h"
#include "runtime/test_case.h"

namespace resvk::app {

const CommandSpec& checkSpec() {
    static const CommandSpec spec{
        "check",
        "CASE_DIR... [options]",
        "Runs test cases in ONNX's backend-test layout (CASE_DIR/model.onnx and\n"
        "CASE_DIR/test_data_set_K/{input_*.pb,output_*.pb}) on the GPU and compares every output\n"
        "with the reference: an element mismatches when |got - want| > atol + rtol * |want|.\n"
        "Prints one line per test set and a summary; exits 1 if any set failed or a case could not run.",
        "CASE_DIR",
        1,
        {{"rtol", "R", "relative tolerance", "1e-3"},
         {"atol", "A", "absolute tolerance", "1e-4"},
         {"json", "", "print one JSON document instead of lines", ""},
         deviceOption(),
         deviceProfileOption()},
        {"resvk check my_resnet/   # my_resnet/model.onnx, my_resnet/test_data_set_0/{input_0,output_0}.pb",
         "resvk check resnet18_case/ resnet50_case/", "resvk check my_resnet/ --atol 1e-5 --rtol 0 --json"},
        ""};
    return spec;
}

int runCheck(const Args& args) {
    runtime::Tolerance tol;
    tol.rtol = args.number("rtol", 1e-3, 0.0);
    tol.atol = args.number("atol", 1e-4, 0.0);
    const bool json = args.has("json");
    auto context = openDevice(args);

    int passed = 0, failed = 0;
    Json j;
    j.beginObject()
        .key("device")
        .value(context->info().name)
        .key("rtol")
        .value(tol.rtol)
        .key("atol")
        .value(tol.atol)
        .key("cases")
        .beginArray();
    for (const auto& dir : args.positionals()) {
        runtime::CaseResult result;
        std::string caseName = std::filesystem::path(dir).lexically_normal().filename().string();
        if (caseName.empty())
            caseName = std::filesystem::path(dir).lexically_normal().parent_path().filename().string();
        if (!std::filesystem::is_directory(dir))
            result.error = "not a folder: " + dir;
        else if (!std::filesystem::exists(std::filesystem::path(dir) / "model.onnx"))
            result.error = "no model.onnx in " + dir;
        else
            result = runtime::runTestCase(*context, dir, tol);

        j.beginObject().key("dir").value(dir);
        if (!result.error.empty()) j.key("error").value(result.error);
        j.key("sets").beginArray();
        if (!result.error.empty()) {
            ++failed;
            if (!json) std::cout << "FAIL " << caseName << "  " << result.error << "\n";
            std::cout.flush();
            std::cerr << "resvk: error: " << result.error << "\n";
        } else if (result.sets.empty()) {
            ++failed;
            if (!json) std::cout << "FAIL " << caseName << "  no test_data_set_* folders\n";
        }
        for (const auto& set : result.sets) {
            set.passed ? ++passed : ++failed;
            j.beginObject().key("name").value(set.name).key("passed").value(set.passed);
            if (!set.error.empty()) j.key("error").value(set.error);
            j.key("max_abs")
                .value(set.maxAbsError)
                .key("max_rel")
                .value(set.maxRelError)
                .key("mismatches")
                .value(set.mismatches)
                .endObject();
            if (json) continue;
            std::cout << (set.passed ? "PASS " : "FAIL ") << caseName << "/" << set.name;
            if (!set.error.empty())
                std::cout << "  " << set.error << "\n";
            else {
                std::cout << format("  max abs %.1e  max rel %.1e", set.maxAbsError, set.maxRelError);
                if (set.mismatches) std::cout << "  " << set.mismatches << " mismatches";
                std::cout << "\n";
            }
        }
        j.endArray().endObject();
    }
    j.endArray().key("passed").value(passed).key("failed").value(failed).endObject();
    if (json)
        std::cout << j.str() << "\n";
    else
        std::cout << passed << " passed, " << failed << " failed\n";
    return failed ? 1 : 0;
}

}  // namespace resvk::app
