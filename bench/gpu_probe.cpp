// resvk-gpu-probe: the engine alone (no FFmpeg, no window), for bench/gpu.sh on a
// GPU machine that has no Debian packages: what `resvk devices`, `resvk check`
// and `resvk bench` report, with the same engine code, in one Markdown report.
//   resvk-gpu-probe devices
//   resvk-gpu-probe check CASE_DIR...
//   resvk-gpu-probe bench MODEL.onnx BATCH...
//   resvk-gpu-probe matrix MODEL.onnx BATCHES LABEL=OFF...
//   resvk-gpu-probe profile MODEL.onnx BATCH
// profile: one Markdown row per layer, the fastest of 5 profiled runs (GPU
// timestamps), then the wall time of unprofiled runs against the layers' sum:
// where a GPU's time goes, and how much of Engine::run is the host's.
// matrix: Markdown table rows (bench/gpu.sh prints the header), one per kernel
// configuration and batch; LABEL=OFF names a configuration and the kernel
// families it switches off (RESVK_DISABLE_KERNELS syntax, e.g. "register=tiled",
// "all="); the first is the baseline of the last column. RESVK_PROBE_RUNS caps
// the timed runs per row (default 30, within about 3 s).
// RESVK_DEVICE_PROFILE / RESVK_FORCE_STAGING apply as in resvk.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
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
    // fp16 rounds every stored value to 11 bits: the tolerances `resvk check` uses at fp16
    runtime::Tolerance tolerance;
    if (context.traits().precision == vk::Precision::Fp16) tolerance.rtol = tolerance.peak = 1e-2;
    int failed = 0;
    for (const auto& dir : dirs) {
        const auto result = runtime::runTestCase(context, dir, tolerance);
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

model::HostTensor randomInput(const model::Model& m, int batch) {
    model::Shape shape = m.inputs().at(0).shape;
    for (size_t d = 0; d < shape.size(); ++d)
        if (shape[d] < 0) shape[d] = d == 0 ? batch : 224;
    shape[0] = batch;
    model::HostTensor input{m.inputs()[0].name, shape, std::vector<float>(size_t(model::elementCount(shape)))};
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (float& v : input.data) v = dist(rng);
    return input;
}

// Min and median ms of up to `most` runs within about `seconds` (at least 5).
std::pair<double, double> timeRuns(runtime::Engine& engine, const model::HostTensor& input, size_t most, int seconds) {
    for (int i = 0; i < 3; ++i) engine.run({input});  // plan, pipelines, clocks
    std::vector<double> ms;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (ms.size() < most && (ms.size() < std::min<size_t>(5, most) || std::chrono::steady_clock::now() < deadline)) {
        const auto t0 = std::chrono::steady_clock::now();
        engine.run({input});
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return {ms.front(), ms[ms.size() / 2]};
}

// What one profiled run dispatched: "coopmat 20, tiled 0, split 12" style counts
// of the convolution layers, the precision the layers report, and the sum of the
// layers' GPU times (timestamp queries): the wall time less the host's share
// (packing the input, fp16 conversion, transfers, submission).
struct KernelSummary {
    std::string ran, precision;
    double gpuMs = 0.0;
};

KernelSummary kernelSummary(runtime::Engine& engine, const model::HostTensor& input) {
    engine.setProfiling(true);
    engine.run({input});
    engine.setProfiling(false);
    std::map<std::string, int> families;
    int split = 0;
    std::string precision;
    double gpuMs = 0.0;
    for (const auto& l : engine.lastProfile()) {
        gpuMs += l.ms;
        if (l.kernel.rfind("conv", 0) != 0 && l.kernel.rfind("winograd", 0) != 0) continue;
        const std::string family = l.kernel.substr(0, l.kernel.find_first_of("+"));
        ++families[family.rfind("conv_tiled", 0) == 0 ? "tiled" : family];
        split += l.split > 1;
        if (precision.empty()) precision = l.precision;
    }
    std::string text;
    for (const auto& [name, count] : families) text += (text.empty() ? "" : ", ") + name + " " + std::to_string(count);
    return {text + (split ? ", split-K " + std::to_string(split) : ""), precision.empty() ? "?" : precision, gpuMs};
}

int matrix(const std::string& path, const std::vector<int>& batches, const std::vector<std::string>& configs) {
    const auto m = model::Model::load(path);
    const char* runsEnv = std::getenv("RESVK_PROBE_RUNS");  // bench/gpu.sh smoke: a quick pass
    const size_t runs = runsEnv ? std::max(1, std::atoi(runsEnv)) : 30;
    std::map<int, double> baseline;  // batch -> median ms of the first configuration
    for (size_t c = 0; c < configs.size(); ++c) {
        const size_t eq = configs[c].find('=');
        const std::string label = configs[c].substr(0, eq);
        vk::ContextOptions options;
        options.traits.disabledKernels = eq == std::string::npos ? "" : configs[c].substr(eq + 1);
        vk::Context context(options);
        runtime::Engine engine(context, m);
        std::fprintf(stderr, "%s: %s, profile %s\n", label.c_str(), context.info().name.c_str(),
                     context.traits().describe().c_str());
        for (int batch : batches) {
            const auto input = randomInput(m, batch);
            const auto [minMs, median] = timeRuns(engine, input, runs, 3);
            const auto ran = kernelSummary(engine, input);
            if (c == 0) baseline[batch] = median;
            std::printf("| %s | %d | %s | %s | %s | %.3f | %.3f | %.3f | %.1f | %.2fx |\n", path.c_str(), batch,
                        label.c_str(), ran.precision.c_str(), ran.ran.c_str(), minMs, median, ran.gpuMs,
                        batch * 1000.0 / median, baseline[batch] / median);
            std::fflush(stdout);
        }
    }
    return 0;
}

int bench(const std::string& path, const std::vector<int>& batches) {
    vk::Context context;
    const auto m = model::Model::load(path);
    runtime::Engine engine(context, m);
    std::printf(
        "device: %s; profile: %s\n\n| model | batch | ms/batch min | median | images/s |\n|---|---|---|---|---|\n",
        context.info().name.c_str(), context.traits().describe().c_str());
    for (int batch : batches) {
        const auto [minMs, median] = timeRuns(engine, randomInput(m, batch), 50, 10);
        std::printf("| %s | %d | %.3f | %.3f | %.1f |\n", path.c_str(), batch, minMs, median, batch * 1000.0 / median);
        std::fflush(stdout);
    }
    return 0;
}

int profile(const std::string& path, int batch) {
    vk::Context context;
    const auto m = model::Model::load(path);
    runtime::Engine engine(context, m);
    const auto input = randomInput(m, batch);
    const auto [wallMin, wallMedian] = timeRuns(engine, input, 20, 3);
    engine.setProfiling(true);
    std::vector<runtime::LayerTiming> best;
    for (int run = 0; run < 5; ++run) {
        engine.run({input});
        const auto& layers = engine.lastProfile();
        if (best.empty()) best = layers;
        for (size_t i = 0; i < layers.size() && i < best.size(); ++i) best[i].ms = std::min(best[i].ms, layers[i].ms);
    }
    engine.setProfiling(false);
    std::printf("%s, batch %d; device: %s; profile: %s\n\n| # | layer | kind | shape | ms | GFLOP/s | kernel | tile | "
                "split | precision |\n|---|---|---|---|---|---|---|---|---|---|\n",
                path.c_str(), batch, context.info().name.c_str(), context.traits().describe().c_str());
    double sum = 0.0;
    for (size_t i = 0; i < best.size(); ++i) {
        const auto& l = best[i];
        sum += l.ms;
        std::printf("| %zu | %s | %s | %s | %.3f | %.0f | %s | %s | %d | %s |\n", i, l.name.c_str(), l.kind.c_str(),
                    l.shape.c_str(), l.ms, l.ms > 0 ? l.gflop / l.ms * 1000.0 : 0.0, l.kernel.c_str(), l.tile.c_str(),
                    l.split, l.precision.c_str());
    }
    std::printf("\nlayers' sum %.3f ms; wall (unprofiled) min %.3f, median %.3f ms: the host's share %.3f ms\n", sum,
                wallMin, wallMedian, wallMedian - sum);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (!args.empty() && args[0] == "devices") return devices();
        if (args.size() >= 2 && args[0] == "check") return check({args.begin() + 1, args.end()});
        if (args.size() >= 4 && args[0] == "matrix") {
            std::vector<int> batches;
            for (size_t at = 0, comma; at <= args[2].size(); at = comma + 1) {
                comma = std::min(args[2].find(',', at), args[2].size());
                batches.push_back(std::atoi(args[2].substr(at, comma - at).c_str()));
            }
            return matrix(args[1], batches, {args.begin() + 3, args.end()});
        }
        if (args.size() == 3 && args[0] == "profile" && std::atoi(args[2].c_str()) >= 1)
            return profile(args[1], std::atoi(args[2].c_str()));
        if (args.size() >= 3 && args[0] == "bench") {
            std::vector<int> batches;
            for (size_t i = 2; i < args.size(); ++i) batches.push_back(std::atoi(args[i].c_str()));
            return bench(args[1], batches);
        }
        std::fprintf(stderr,
                     "usage: resvk-gpu-probe devices | check CASE_DIR... | bench MODEL.onnx BATCH... | matrix "
                     "MODEL.onnx 1,8,32 LABEL=OFF... | profile MODEL.onnx BATCH\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "resvk-gpu-probe: error: %s\n", e.what());
        return 1;
    }
}
