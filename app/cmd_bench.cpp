// resvk bench: how fast a model runs on the chosen device.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <numeric>
#include <random>

#include "bench_pipeline.h"
#include "bench_stats.h"
#include "common.h"
#include "json.h"
#include "runtime/engine.h"

namespace resvk::app {

namespace {
// Profiled runs after the timed ones: enough for a median, few enough that
// --profile on a large batch does not double the bench's time.
constexpr int kMostProfiledRuns = 5;
}  // namespace

const CommandSpec& benchSpec() {
    static const CommandSpec spec{
        "bench",
        "--model MODEL.onnx [options]  |  --source SOURCE [SOURCE...] --model MODEL.onnx [options]",
        "Times a model on random input (fixed seed) of its input shape: a few warm-up runs, then\n"
        "timed runs measured with a wall clock around each Engine::run (upload, GPU work and\n"
        "download included). Prints ms per batch (min and median), ms per image, images/s and the\n"
        "effective GFLOP/s (2 * MACs / median time).\n"
        "With --source, times the end-to-end video pipeline of `resvk classify` instead (decode,\n"
        "GPU preprocessing, inference, readback; batch = number of sources): classified frames/s,\n"
        "decode->result latency p50/p95, and in the same run inference alone on random input of the\n"
        "same batch, interleaved with it: the pipeline runs in --segments parts with a share of the\n"
        "--iters runs before, between and after them (a drifting machine's speed hits both alike), giving\n"
        "\"pipeline adds X% per frame over inference alone\": the median over segments of each one's\n"
        "median step (one frame of every source) against the runs on either side of it; then the\n"
        "pooled median step against the median run, the fastest step against the fastest run, and\n"
        "throughput against the median run. Also the process's CPU time per frame and per\n"
        "inference-alone image.",
        "SOURCE",
        0,
        {{"model", "MODEL.onnx", "the model to time (required)", ""},
         {"batch", "N", "images per run", "1"},
         {"iters", "N", "timed runs", "10"},
         {"warmup", "N", "untimed runs first (plan compilation, caches)", "2"},
         {"source", "SOURCE",
          "benchmark the video pipeline on this source (file, lavfi:GRAPH, ...); "
          "more sources follow as arguments",
          ""},
         {"frames", "N", "with --source: classified frames per source to time (after the warm-up)", "200"},
         {"every", "N", "with --source: classify every Nth frame of each source", "1"},
         {"segments", "N",
          "with --source: time the pipeline in N parts with inference-alone runs between them (at most --frames; "
          "needs --iters of at least (N + 1) / 2)",
          "min(--frames / 4, --iters - 1)"},
         {"crop", "HxW", "with --source: network input size when the model's H/W are symbolic", "224x224"},
         {"profile", "",
          "after timing, min(--iters, 5) runs with GPU timestamps (warmed up like the timed runs): a per-layer "
          "table of their medians (time, kernel, tile, K split, precision) and the 5 slowest",
          ""},
         {"json", "", "print one JSON object instead of text", ""},
         deviceOption(),
         deviceProfileOption(),
         precisionOption()},
        {"resvk bench --model model.onnx --batch 32", "resvk bench --model resnet18-v1-7 --iters 5 --profile",
         "resvk bench --model model.onnx --json",
         "resvk bench --source clip720.mp4 clip720.mp4 --model resnet18-v1-7 --frames 20 --iters 6",
         "resvk bench --source lavfi:testsrc2=size=1280x720:rate=30 --model resnet50.onnx --frames 10 --json"},
        "With --source the pipeline skips max(--warmup, 3) classified frames per source before timing\n"
        "(plan compilation), and the 2 steps after each pause between segments (their work ran during\n"
        "it); latency leaves the pauses out. Symbolic spatial dimensions are run as 224. Progress goes to stderr, only "
        "on a terminal."};
    return spec;
}

int runBench(const Args& args) {
    if (args.has("source")) {
        if (args.has("profile")) args.fail("--profile is for inference alone: leave out --source");
        return runPipelineBench(args);
    }
    if (!args.positionals().empty())
        args.fail("unexpected argument '" + args.positionals()[0] + "' (sources need --source)");
    for (const char* o : {"frames", "every", "crop", "segments"})
        if (args.has(o)) args.fail(std::string("--") + o + " needs --source");
    if (!args.has("model")) args.fail("missing --model MODEL.onnx");
    const std::string path = *args.value("model");
    const int batch = args.integer("batch", 1, 1, 4096);
    const int iters = args.integer("iters", 10, 1, 1000000);
    const int warmup = args.integer("warmup", 2, 0, 1000000);
    const bool json = args.has("json"), profile = args.has("profile");
    const bool progress = isatty(STDERR_FILENO);

    model::Model m = loadModel(path);
    std::vector<model::HostTensor> inputs;
    std::vector<model::Shape> shapes;
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (const auto& in : m.inputs()) {
        model::HostTensor t{in.name, concreteShape(in, batch), {}};
        t.data.resize(static_cast<size_t>(model::elementCount(t.shape)));
        for (float& v : t.data) v = dist(rng);
        shapes.push_back(t.shape);
        inputs.push_back(std::move(t));
    }
    const model::ProgramStats stats = model::computeStats(m.compile(shapes));

    auto context = openDevice(args);
    runtime::Engine engine(*context, m);
    using Clock = std::chrono::steady_clock;
    for (int i = 0; i < warmup; ++i) {
        if (progress) std::cerr << "\rwarm-up " << i + 1 << "/" << warmup << std::flush;
        engine.run(inputs);
    }
    std::vector<double> ms;
    for (int i = 0; i < iters; ++i) {
        if (progress) std::cerr << "\rtimed run " << i + 1 << "/" << iters << "   " << std::flush;
        auto t0 = Clock::now();
        engine.run(inputs);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::vector<runtime::LayerTiming> layers;
    const int profiledRuns = std::clamp(iters, 1, kMostProfiledRuns);
    if (profile) {
        // Timestamps need a plan of their own, whose first run writes buffers
        // never touched before and took several times the warm time in some
        // layers (lavapipe). So that plan is warmed up like the timed one.
        engine.setProfiling(true);
        for (int i = 0; i < std::max(warmup, 1); ++i) {
            if (progress) std::cerr << "\rprofiling warm-up " << i + 1 << "    " << std::flush;
            engine.run(inputs);
        }
        std::vector<std::vector<runtime::LayerTiming>> runs;
        for (int i = 0; i < profiledRuns; ++i) {
            if (progress) std::cerr << "\rprofiled run " << i + 1 << "/" << profiledRuns << "    " << std::flush;
            engine.run(inputs);
            runs.push_back(engine.lastProfile());
        }
        layers = medianProfile(runs);
    }
    if (progress) std::cerr << "\r                         \r" << std::flush;

    const double minMs = minimum(ms);
    const double medianMs = median(ms);
    const double imagesPerS = batch * 1000.0 / medianMs;
    const double gflops = 2.0 * stats.macs / (medianMs / 1000.0) / 1e9;
    double profileTotal = 0;
    for (const auto& l : layers) profileTotal += l.ms;
    auto layerGflops = [](const runtime::LayerTiming& l) { return l.ms > 0 ? l.gflop / (l.ms / 1000.0) : 0.0; };
    std::vector<size_t> slowest(layers.size());
    std::iota(slowest.begin(), slowest.end(), 0);
    std::stable_sort(slowest.begin(), slowest.end(), [&](size_t a, size_t b) { return layers[a].ms > layers[b].ms; });
    if (slowest.size() > 5) slowest.resize(5);

    if (json) {
        Json j;
        j.beginObject().key("model").value(path);
        deviceJson(j, *context)
            .key("input_shape")
            .value(model::toString(shapes[0]))
            .key("batch")
            .value(batch)
            .key("warmup")
            .value(warmup)
            .key("iters")
            .value(iters)
            .key("ms_per_batch_min")
            .value(minMs)
            .key("ms_per_batch_median")
            .value(medianMs)
            .key("ms_per_image")
            .value(medianMs / batch)
            .key("images_per_s")
            .value(imagesPerS)
            .key("gmacs_per_batch")
            .value(stats.macs / 1e9)
            .key("gflops")
            .value(gflops)
            .key("runs_ms")
            .beginArray();
        for (double t : ms) j.value(t);
        j.endArray();
        if (profile) {
            j.key("profile").beginArray();
            for (const auto& l : layers) {
                j.beginObject()
                    .key("name")
                    .value(l.name)
                    .key("kind")
                    .value(l.kind)
                    .key("shape")
                    .value(l.shape)
                    .key("ms")
                    .value(l.ms)
                    .key("percent")
                    .value(profileTotal > 0 ? 100 * l.ms / profileTotal : 0.0)
                    .key("gflops")
                    .value(layerGflops(l))
                    .key("kernel")
                    .value(l.kernel)
                    .key("kernel_ms")
                    .beginArray();
                for (double t : l.kernelMs) j.value(t);
                j.endArray()
                    .key("tile")
                    .value(l.tile)
                    .key("split")
                    .value(l.split)
                    .key("precision")
                    .value(l.precision)
                    .endObject();
            }
            j.endArray().key("profile_total_ms").value(profileTotal).key("profiled_runs").value(profiledRuns);
        }
        j.endObject();
        std::cout << j.str() << "\n";
        return 0;
    }
    std::cout << "model:        " << path << "\ndevice:       " << describe(context->info()) << "\n"
              << "profile:      " << context->traits().describe() << "\n"
              << "input:        " << model::toString(shapes[0]) << "  (" << warmup << " warm-up, " << iters
              << " timed runs)\n"
              << format("ms/batch:     min %.3f  median %.3f\n", minMs, medianMs)
              << format("ms/image:     %.3f\n", medianMs / batch) << format("images/s:     %.1f\n", imagesPerS)
              << format("GFLOP/s:      %.2f  (%.4f GMACs per batch)\n", gflops, stats.macs / 1e9);
    if (profile) {
        auto row = [&](size_t i, const runtime::LayerTiming& l) {
            std::cout << format("%5zu  %-28s %-30s %-16s %9.3f %6.1f%% %9.2f  %-36s %-12s %5d %s\n", i, l.name.c_str(),
                                l.kind.c_str(), l.shape.c_str(), l.ms,
                                profileTotal > 0 ? 100 * l.ms / profileTotal : 0.0, layerGflops(l), l.kernel.c_str(),
                                l.tile.c_str(), l.split, l.precision.c_str());
        };
        auto header = [] {
            std::cout << format("%5s  %-28s %-30s %-16s %9s %7s %9s  %-36s %-12s %5s %s\n", "#", "name", "kind",
                                "shape", "ms", "%", "GFLOP/s", "kernel", "tile", "split", "precision");
        };
        std::cout << format("\nper-layer GPU time (median of %d profiled runs, %.3f ms in layers):\n", profiledRuns,
                            profileTotal);
        header();
        for (size_t i = 0; i < layers.size(); ++i) row(i, layers[i]);
        std::cout << "\nslowest layers:\n";
        header();
        for (size_t i : slowest) row(i, layers[i]);
    }
    return 0;
}

}  // namespace resvk::app
