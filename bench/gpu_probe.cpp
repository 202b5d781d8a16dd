// resvk-gpu-probe: the engine alone (no FFmpeg, no window), for bench/gpu.sh on a
// GPU machine that has no Debian packages: what `resvk devices`, `resvk check`
// and `resvk bench` report, with the same engine code, in one Markdown report.
//   resvk-gpu-probe devices
//   resvk-gpu-probe check CASE_DIR...
//   resvk-gpu-probe bench MODEL.onnx BATCH...
// RESVK_DEVICE_PROFILE / RESVK_FORCE_STAGING apply as in resvk.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include "model/model.h"
#include "runtime/engine.h"
#include "runtime/test_case.h"
#include "vk/context.h"

using namespace resvk;

namespace {

int devices() {
    const auto list = vk::Context::listDevices();
    const auto choice = vk::chooseDevice(list);
    std::printf("| index | device | type | driver | device-local GiB | usable |\n|---|---|---|---|---|---|\n");
    for (const auto& d : list)
        std::printf("| %s%d | %s | %s | %s | %.1f | %s |\n", d.index == choice.index ? "*" : "", d.index,
                    d.name.c_str(), d.type.c_str(), d.driver.c_str(), double(d.deviceLocalBytes) / (1ull << 30),
                    d.usable ? "yes" : "no");
    std::printf("\ndefault (*): %s\n", choice.reason.c_str());
    return choice.index >= 0 ? 0 : 1;
}

int check(const std::vector<std::string>& dirs) {
    vk::Context context;
    std::printf("device: %s; profile: %s\n\n| case | set | result | max abs | max rel |\n|---|---|---|---|---|\n",
                context.info().name.c_str(), context.traits().describe().c_str());
    int failed = 0;
    for (const auto& dir : dirs) {
        const auto result = runtime::runTestCase(context, dir, {});
        if (!result.error.empty()) {
            std::printf("| %s | | ERROR: %s | | |\n", dir.c_str(), result.error.c_str());
            ++failed;
        }
        for (const auto& s : result.sets) {
            std::printf("| %s | %s | %s | %.2e | %.2e |\n", dir.c_str(), s.name.c_str(),
                        s.passed ? "PASS" : ("FAIL " + s.error).c_str(), s.maxAbsError, s.maxRelError);
            failed += !s.passed;
        }
    }
    return failed ? 1 : 0;
}

int bench(const std::string& path, const std::vector<int>& batches) {
    vk::Context context;
    const auto m = model::Model::load(path);
    runtime::Engine engine(context, m);
    std::printf(
        "device: %s; profile: %s\n\n| model | batch | ms/batch min | median | images/s |\n|---|---|---|---|---|\n",
        context.info().name.c_str(), context.traits().describe().c_str());
    for (int batch : batches) {
        model::Shape shape = m.inputs().at(0).shape;
        for (size_t d = 0; d < shape.size(); ++d)
            if (shape[d] < 0) shape[d] = d == 0 ? batch : 224;
        shape[0] = batch;
        model::HostTensor input{m.inputs()[0].name, shape, std::vector<float>(size_t(model::elementCount(shape)))};
        std::mt19937 rng(1234);
        std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
        for (float& v : input.data) v = dist(rng);
        for (int i = 0; i < 3; ++i) engine.run({input});  // plan, pipelines, clocks
        std::vector<double> ms;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (ms.size() < 50 && (ms.size() < 5 || std::chrono::steady_clock::now() < deadline)) {
            const auto t0 = std::chrono::steady_clock::now();
            engine.run({input});
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(ms.begin(), ms.end());
        const double median = ms[ms.size() / 2];
        std::printf("| %s | %d | %.3f | %.3f | %.1f |\n", path.c_str(), batch, ms.front(), median,
                    batch * 1000.0 / median);
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (!args.empty() && args[0] == "devices") return devices();
        if (args.size() >= 2 && args[0] == "check") return check({args.begin() + 1, args.end()});
        if (args.size() >= 3 && args[0] == "bench") {
            std::vector<int> batches;
            for (size_t i = 2; i < args.size(); ++i) batches.push_back(std::atoi(args[i].c_str()));
            return bench(args[1], batches);
        }
        std::fprintf(stderr, "usage: resvk-gpu-probe devices | check CASE_DIR... | bench MODEL.onnx BATCH...\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "resvk-gpu-probe: error: %s\n", e.what());
        return 1;
    }
}
