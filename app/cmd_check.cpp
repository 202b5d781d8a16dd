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
        "with the reference: an element mismatches when\n"
        "|got - want| > atol + rtol * |want| + peak-tol * max|want| (max over that output).\n"
        "For outputs shaped [N, classes] it also counts the rows whose top-1 class matches the\n"
        "reference's. Prints one line per test set and a summary; exits 1 if any set failed or a\n"
        "case could not run.",
        "CASE_DIR",
        1,
        {{"rtol", "R", "relative tolerance", "1e-3; 1e-2 at fp16"},
         {"atol", "A", "absolute tolerance", "1e-4"},
         {"peak-tol", "P", "tolerance relative to the output's largest magnitude", "0; 1e-2 at fp16"},
         {"json", "", "print one JSON document instead of lines", ""},
         deviceOption(),
         deviceProfileOption(),
         precisionOption()},
        {"resvk check my_resnet/   # my_resnet/model.onnx, my_resnet/test_data_set_0/{input_0,output_0}.pb",
         "resvk check resnet18_case/ resnet50_case/", "resvk check my_resnet/ --atol 1e-5 --rtol 0 --json",
         "resvk check my_resnet/ --precision fp16"},
        "fp16 (--precision fp16) rounds every stored weight and activation to 11 significant bits\n"
        "(2^-11 relative each time); over a ResNet the outputs move by about 0.1 % of the output's\n"
        "largest magnitude (measured: 0.05-0.13 % on the shared references), small outputs as much as\n"
        "large ones: the fp16 defaults allow 1 % of that peak plus 1 % of each value, ~8x the worst\n"
        "seen. The summary line names the precision and tolerances used."};
    return spec;
}

int runCheck(const Args& args) {
    const bool json = args.has("json");
    auto context = openDevice(args);
    const bool fp16 = context->traits().precision == vk::Precision::Fp16;
    runtime::Tolerance tol;
    tol.rtol = args.number("rtol", fp16 ? 1e-2 : 1e-3, 0.0);
    tol.atol = args.number("atol", 1e-4, 0.0);
    tol.peak = args.number("peak-tol", fp16 ? 1e-2 : 0.0, 0.0);

    int passed = 0, failed = 0;
    Json j;
    j.beginObject()
        .key("device")
        .value(context->info().name)
        .key("precision")
        .value(context->traits().precisionName())
        .key("rtol")
        .value(tol.rtol)
        .key("atol")
        .value(tol.atol)
        .key("peak_tol")
        .value(tol.peak)
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
                .value(set.mismatches);
            if (set.top1Rows) j.key("top1_rows").value(set.top1Rows).key("top1_agree").value(set.top1Agree);
            j.endObject();
            if (json) continue;
            std::cout << (set.passed ? "PASS " : "FAIL ") << caseName << "/" << set.name;
            if (!set.error.empty())
                std::cout << "  " << set.error << "\n";
            else {
                std::cout << format("  max abs %.1e  max rel %.1e", set.maxAbsError, set.maxRelError);
                if (set.top1Rows) std::cout << "  top-1 " << set.top1Agree << "/" << set.top1Rows;
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
        std::cout << passed << " passed, " << failed << " failed"
                  << format(" (%s, rtol %g, atol %g, peak-tol %g)\n", context->traits().precisionName(), tol.rtol,
                            tol.atol, tol.peak);
    return failed ? 1 : 0;
}

}  // namespace resvk::app
