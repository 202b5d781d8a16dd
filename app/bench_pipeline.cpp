#include "bench_pipeline.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "bench_stats.h"
#include "classify/result_sink.h"
#include "classify_setup.h"
#include "common.h"
#include "json.h"
#include "runtime/engine.h"
#include "video/frame_source.h"
#include "video/video_pipeline.h"

namespace resvk::app {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// CPU time of the whole process (every thread: decoders, lavapipe's workers).
double processCpuMs() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
    return ms(u.ru_utime) + ms(u.ru_stime);
}

}  // namespace

int runPipelineBench(const Args& args) {
    if (!args.has("model")) args.fail("missing --model MODEL.onnx");
    std::vector<std::string> specs{*args.value("source")};
    for (const auto& p : args.positionals()) specs.push_back(p);
    const std::string path = *args.value("model");
    const int frames = args.integer("frames", 200, 1, 100000000);
    const int every = args.integer("every", 1, 1, 1000000);
    const int iters = args.integer("iters", 10, 1, 1000000);
    const int warmup = args.integer("warmup", 2, 0, 1000000);
    // As finely as the runs allow (a group of runs between every two segments),
    // with at least 4 timed steps per segment against the 2 untimed after each pause.
    const int segments =
        std::min(args.integer("segments", std::max(1, std::min(frames / 4, iters - 1)), 1, 1000000), frames);
    // Each segment is compared with the run groups on either side of it: with
    // fewer runs some pair would hold none, and its figure would be no measurement.
    if (2 * iters < segments + 1)
        args.fail(
            format("--segments %d needs --iters %d or more (each segment is compared with the "
                   "inference-alone runs on either side of it)",
                   segments, (segments + 2) / 2));
    // The pipeline compiles one plan per in-flight slot on first use: skip at
    // least that many classified frames per source before timing.
    const int pipelineWarmup = std::max(warmup, 3);
    const bool json = args.has("json"), progress = isatty(STDERR_FILENO);
    const int batch = int(specs.size());

    model::Model m = loadModel(path);
    const InputGeometry g = checkInput(m, args);
    if (g.batch > 0 && g.batch != batch)
        throw model::Error(format("model fixes the batch to %d but %d sources were given", g.batch, batch));
    video::PipelineOptions options;
    options.preprocess = preprocessOptions(args, g);
    options.every = every;

    // Open every source first so a bad one fails before any work.
    std::vector<std::unique_ptr<video::FrameSource>> sources;
    for (const auto& spec : specs)
        sources.push_back(std::make_unique<video::FrameSource>(int(sources.size()), spec, video::SourceOptions{}));

    auto context = openDevice(args);

    // Inference alone: runtime::Engine on random input of the same batch.
    model::HostTensor input{g.name, {batch, 3, g.height, g.width}, {}};
    input.data.resize(size_t(model::elementCount(input.shape)));
    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (float& v : input.data) v = dist(rng);
    const std::vector<model::HostTensor> inputs{input};
    runtime::Engine engine(*context, m);
    std::vector<double> inferMs;
    std::vector<size_t> groupEnds, segmentEnds;  // inferMs / stepMs split into groups / segments
    double inferCpuMs = 0;
    // The timed runs and the timed pipeline steps interleave: the pipeline runs
    // in `segments` parts with a group of inference-alone runs before, between
    // and after them, so that both sample the same seconds of a machine whose
    // speed drifts (these VMs flip between two speeds about every second).
    auto share = [](int total, int parts, int i) { return total * (i + 1) / parts - total * i / parts; };
    const int groups = segments + 1;  // of inference-alone runs: before, between and after the segments
    auto timeInferenceGroup = [&] {
        const int group = int(groupEnds.size());
        const int n = share(iters, groups, group);
        const double cpu0 = processCpuMs();
        for (int i = 0; i < n; ++i) {
            if (progress)
                std::cerr << "\rinference alone (" << group + 1 << "/" << groups << ") " << i + 1 << "/" << n << "    "
                          << std::flush;
            const auto t0 = Clock::now();
            engine.run(inputs);
            inferMs.push_back(msSince(t0));
        }
        inferCpuMs += processCpuMs() - cpu0;
        groupEnds.push_back(inferMs.size());
    };
    for (int i = 0; i < warmup; ++i) {
        if (progress) std::cerr << "\rinference warm-up " << i + 1 << "/" << warmup << "    " << std::flush;
        engine.run(inputs);
    }
    timeInferenceGroup();

    // The pipeline: after its warm-up, each segment times its share of the
    // steps (one classified frame of every source); between segments the frame
    // callback waits for the tick still in flight and runs the next group of
    // inference-alone runs, as the viewer's pause blocks in the callback. The
    // first `inFlight` steps after such a pause are not timed: their results
    // were computed during it, or started on an idle device. Once the last
    // segment is done, what is still in flight is drained but not counted.
    video::VideoPipeline pipeline(*context, m, sources, options);
    std::atomic<bool> stop{false};
    const int64_t warmFrames = int64_t(pipelineWarmup) * batch;
    int64_t classified = 0, timedDelivered = 0;
    std::vector<double> latencies;
    // Each timed step's time since the previous step: inference alone is
    // summarised by its median and minimum, so the pipeline is too, not only by
    // its mean (throughput), which one slow spell inflates.
    std::vector<double> stepMs;
    enum class Phase { warmUp, ramp, timed, done } phase = Phase::warmUp;
    int rampSteps = 0;
    Clock::time_point segmentStart{}, lastStep{}, firstResultAt{};
    // A frame that waited in its source's queue across a pause would report the
    // pause as latency: each one's decode -> result time leaves the pauses out.
    std::vector<std::pair<Clock::time_point, Clock::time_point>> pauses;
    auto pausedMsSince = [&](Clock::time_point t) {
        double ms = 0;
        for (const auto& [begin, end] : pauses)
            if (end > t) ms += std::chrono::duration<double, std::milli>(end - std::max(begin, t)).count();
        return ms;
    };
    double segmentCpu0 = 0, timedMs = 0, timedCpuMs = 0;
    auto startSegment = [&] {
        phase = Phase::timed;
        segmentStart = lastStep = Clock::now();
        segmentCpu0 = processCpuMs();
    };
    auto endSegment = [&] {
        timedMs += std::chrono::duration<double, std::milli>(lastStep - segmentStart).count();
        timedCpuMs += processCpuMs() - segmentCpu0;
        segmentEnds.push_back(stepMs.size());
    };
    const auto pipelineStart = Clock::now();
    pipeline.run(
        [&](const video::FrameEvent& e) {
            if (phase == Phase::done) return;
            if (phase == Phase::timed) ++timedDelivered;
            if (!e.classified) return;
            if (++classified == 1) firstResultAt = Clock::now();
            // Frames decoded before the first result waited for the plans to compile.
            if (phase == Phase::timed && e.frame.decodedAt >= firstResultAt)
                latencies.push_back(e.latencyMs - pausedMsSince(e.frame.decodedAt));
            if (classified % batch != 0) return;  // not a step's end
            if (progress)
                std::cerr << "\rpipeline (" << segmentEnds.size() + 1 << "/" << segments << ") " << classified / batch
                          << " frames per source    " << std::flush;
            if (phase == Phase::warmUp) {
                if (classified == warmFrames) startSegment();
                return;
            }
            if (phase == Phase::ramp) {
                if (--rampSteps == 0) startSegment();
                return;
            }
            const auto now = Clock::now();
            stepMs.push_back(std::chrono::duration<double, std::milli>(now - lastStep).count());
            lastStep = now;
            const int segment = int(segmentEnds.size());
            const size_t segmentBegin = segment == 0 ? 0 : segmentEnds.back();
            if (int(stepMs.size() - segmentBegin) < share(frames, segments, segment)) return;
            endSegment();
            if (int(segmentEnds.size()) == segments) {
                phase = Phase::done;
                stop = true;
                return;
            }
            context->waitIdle();
            // The decoders finish the frame they were on (their queues then
            // full) during one untimed run, so that the timed ones run alone.
            engine.run(inputs);
            timeInferenceGroup();
            pauses.emplace_back(now, Clock::now());
            phase = Phase::ramp;
            rampSteps = options.inFlight;
        },
        stop);
    if (phase == Phase::timed) endSegment();  // the sources ended first
    const double pipelineSeconds = std::chrono::duration<double>(Clock::now() - pipelineStart).count();
    if (int(groupEnds.size()) < groups) engine.run(inputs);  // settles as at a pause (the sources have stopped)
    while (int(groupEnds.size()) < groups) timeInferenceGroup();
    if (progress) std::cerr << "\r                                                  \r" << std::flush;

    if (stepMs.empty())
        throw model::Error(
            format("the sources ended after %lld classified frames, within the %d-frame warm-up: "
                   "use longer sources or fewer --frames",
                   (long long)classified, pipelineWarmup));
    int64_t decoded = 0, dropped = 0;
    for (const auto& s : sources) {
        decoded += s->stats().decoded;
        dropped += s->stats().dropped;
    }
    // Every source decodes the same way (video/frame_source.h, start()).
    const video::SourceStats decoding = sources.front()->stats();
    // Throughput: the timed steps, back to back within each segment, cover
    // exactly timedFrames classified frames in timedMs.
    const int64_t timedFrames = int64_t(stepMs.size()) * batch;
    const double classifiedPerS = timedFrames * 1000.0 / timedMs;
    const double deliveredPerS = timedDelivered * 1000.0 / timedMs;
    const double pipelineMsPerFrame = timedMs / double(timedFrames);
    const double inferMedian = median(inferMs), inferMin = minimum(inferMs);
    const double inferMsPerImage = inferMedian / batch;
    const double overheadPct = 100.0 * (pipelineMsPerFrame / inferMsPerImage - 1.0);
    const double stepMedianPerFrame = median(stepMs) / batch, stepMinPerFrame = minimum(stepMs) / batch;
    const double overheadMedianPct = 100.0 * (stepMedianPerFrame / inferMsPerImage - 1.0);
    const double overheadMinPct = 100.0 * (stepMinPerFrame / (inferMin / batch) - 1.0);
    const std::vector<double> paired = pairedOverheads(stepMs, segmentEnds, inferMs, groupEnds);
    const double overheadPairedPct = median(paired);
    // CPU time per frame does not move with the VM's speed spells the way wall time does.
    const double pipelineCpuPerFrame = timedCpuMs / double(timedFrames);
    const double inferCpuPerImage = inferCpuMs / double(inferMs.size() * batch);
    const double p50 = classify::percentile(latencies, 50), p95 = classify::percentile(latencies, 95);
    const bool shortRun = int(stepMs.size()) < frames;

    if (json) {
        Json j;
        j.beginObject().key("model").value(path);
        deviceJson(j, *context).key("sources").beginArray();
        for (const auto& s : specs) j.value(s);
        j.endArray()
            .key("batch")
            .value(batch)
            .key("input_shape")
            .value(model::toString(input.shape))
            .key("every")
            .value(every)
            .key("frames_per_source")
            .value(frames)
            .key("warmup_frames_per_source")
            .value(pipelineWarmup)
            .key("segments")
            .value(int(segmentEnds.size()))
            .key("classified_frames")
            .value(timedFrames)
            .key("classified_frames_total")  // with the warm-up and the untimed steps after each pause
            .value(classified)
            .key("delivered_frames")
            .value(timedDelivered)
            .key("decoded_frames_total")
            .value(decoded)
            .key("dropped_frames_total")
            .value(dropped)
            .key("pipeline_seconds_total")
            .value(pipelineSeconds)
            .key("pipeline_ms_timed")
            .value(timedMs)
            .key("classified_per_s")
            .value(classifiedPerS)
            .key("delivered_per_s")
            .value(deliveredPerS)
            .key("pipeline_ms_per_frame")
            .value(pipelineMsPerFrame)
            .key("latency_p50_ms")
            .value(p50)
            .key("latency_p95_ms")
            .value(p95)
            .key("latency_min_ms")
            .value(minimum(latencies))
            .key("inference_iters")
            .value(int(inferMs.size()))
            .key("inference_ms_per_batch_min")
            .value(inferMin)
            .key("inference_ms_per_batch_median")
            .value(inferMedian)
            .key("inference_ms_per_image")
            .value(inferMsPerImage)
            .key("inference_runs_ms")
            .beginArray();
        for (double t : inferMs) j.value(t);
        j.endArray()
            .key("pipeline_step_ms_median")
            .value(median(stepMs))
            .key("pipeline_step_ms_min")
            .value(minimum(stepMs))
            .key("pipeline_steps_ms")
            .beginArray();
        for (double t : stepMs) j.value(t);
        j.endArray()
            .key("pipeline_cpu_ms_per_frame")
            .value(pipelineCpuPerFrame)
            .key("inference_cpu_ms_per_image")
            .value(inferCpuPerImage)
            .key("pipeline_overhead_percent_median")
            .value(overheadMedianPct)
            .key("pipeline_overhead_percent_min")
            .value(overheadMinPct)
            .key("pipeline_overhead_percent")
            .value(overheadPct)
            .key("pipeline_overhead_percent_paired")
            .value(overheadPairedPct)
            .key("segment_overheads_percent")
            .beginArray();
        for (double p : paired) j.value(p);
        j.endArray()
            .key("decoder_threads")
            .value(decoding.decoderThreads)
            .key("decoder_low_priority")
            .value(decoding.lowPriority)
            .key("short_run")
            .value(shortRun)
            .endObject();
        std::cout << j.str() << "\n";
        return 0;
    }
    std::cout << "model:        " << path << "\ndevice:       " << describe(context->info())
              << "\nprofile:      " << context->traits().describe() << "\nsources:      ";
    for (size_t i = 0; i < specs.size(); ++i) std::cout << (i ? ", " : "") << specs[i];
    std::cout << format("\nbatch:        %d (one frame per source per step), input %s, every %d\n", batch,
                        model::toString(input.shape).c_str(), every)
              << format(
                     "pipeline:     %lld frames classified after %d warm-up frames per source, %.1f s in %d "
                     "segment%s between inference-alone runs\n",
                     (long long)timedFrames, pipelineWarmup, timedMs / 1000, int(segmentEnds.size()),
                     segmentEnds.size() == 1 ? "" : "s")
              << format("frames/s:     %.2f classified, %.2f delivered\n", classifiedPerS, deliveredPerS)
              << format("ms/frame:     %.2f (pipeline, from throughput); per step: min %.2f  median %.2f\n",
                        pipelineMsPerFrame, stepMinPerFrame, stepMedianPerFrame)
              << format("CPU time:     %.1f ms per frame (pipeline), %.1f ms per image (inference alone)\n",
                        pipelineCpuPerFrame, inferCpuPerImage)
              << (latencies.empty()
                      ? std::string("latency:      - (every timed frame was decoded before the first result)\n")
                      : format("latency:      p50 %.1f ms  p95 %.1f ms  (decode -> result)\n", p50, p95))
              << format("decoding:     %d thread%s per source%s\n", decoding.decoderThreads,
                        decoding.decoderThreads == 1 ? "" : "s",
                        decoding.lowPriority ? ", lowest priority (the network runs on these cores)" : "")
              << format("inference:    min %.2f  median %.2f ms per batch of %d, %.2f ms/image (%zu runs)\n", inferMin,
                        inferMedian, batch, inferMsPerImage, inferMs.size())
              << format(
                     "pipeline adds %.1f%% per frame over inference alone (median over segments of each one's "
                     "median step against the runs beside it); pooled medians %.1f%%, minima %.1f%%, "
                     "throughput against median run %.1f%%\n",
                     overheadPairedPct, overheadMedianPct, overheadMinPct, overheadPct);
    if (shortRun)
        std::cerr << format("resvk: warning: the sources ended after %lld of %lld timed frames\n",
                            (long long)timedFrames, (long long)frames * batch);
    return 0;
}

}  // namespace resvk::app
