#include "classify_video.h"

#include <sys/stat.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "classify/labels.h"
#include "classify/result_sink.h"
#include "classify_setup.h"
#include "common.h"
#include "progress.h"
#include "publish_setup.h"
#include "stop_signal.h"
#include "video/annotated_writer.h"
#include "video/frame_result.h"
#include "video/frame_source.h"
#include "video/video_pipeline.h"

namespace resvk::app {

namespace {

// out.mp4 for one source; out-0.mp4, out-1.mp4, ... for several.
std::string outputPathFor(const std::string& output, size_t index, size_t count) {
    if (count == 1) return output;
    std::filesystem::path p(output);
    return (p.parent_path() / (p.stem().string() + "-" + std::to_string(index) + p.extension().string())).string();
}

// --output must never name an input (a source or the model): writing would
// destroy the file being read. Compared by device and inode, not by name, so
// "./a.mp4", a symbolic or a hard link to a.mp4 are caught too.
void refuseOverwritingInputs(const Args& args, const std::string& output, const std::vector<std::string>& inputs) {
    struct stat out {};
    if (::stat(output.c_str(), &out) != 0) return;  // a new file cannot be an input
    for (const auto& input : inputs) {
        struct stat in {};
        if (::stat(input.c_str(), &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
            args.fail("--output '" + output + "' is the input '" + input + "' itself; write to another file");
    }
}

std::vector<std::string> overlayLines(const std::vector<classify::RankedLabel>& top) {
    std::vector<std::string> lines;
    for (const auto& r : top) lines.push_back(format("%s %.1f%%", r.label.c_str(), 100.0 * r.prob));
    return lines;
}

// A region's label inside its box: its name, then its best classes (at most 3: boxes are small).
std::vector<std::string> regionLines(const std::string& name, const std::vector<classify::RankedLabel>& top) {
    std::vector<std::string> lines = overlayLines(top);
    if (lines.size() > 3) lines.resize(3);
    if (lines.empty()) return {name};
    lines[0] = name + ": " + lines[0];
    return lines;
}

// Human-readable results: one line per classified frame (per region with --roi).
void printText(const classify::FrameResult& r) {
    std::cout << format("%s%s%s  frame %lld  %.3fs ", r.source.c_str(), r.region.empty() ? "" : "  region ",
                        r.region.c_str(), (long long)r.frame, r.pts);
    for (const auto& t : r.top) std::cout << format("  %.3f %s", t.prob, t.label.c_str());
    std::cout << "\n";
}

}  // namespace

bool isStillImage(const std::string& source) {
    static const char* extensions[] = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm"};
    std::string ext = std::filesystem::path(source).extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* e : extensions)
        if (ext == e) return true;
    return false;
}

int runClassifyVideo(const Args& args, const model::Model& model, const classify::PreprocessOptions& preprocess,
                     const std::vector<std::string>& labels) {
    const int top = args.integer("top", 5, 1, 1000000);
    video::PipelineOptions options;
    options.preprocess = preprocess;
    options.every = args.integer("every", 1, 1, 1000000);
    options.framesPerFile = args.integer("batch", 8, 1, 4096);
    options.smoothing = static_cast<float>(args.number("smooth", 0.0, 0.0));
    if (options.smoothing >= 1.0f) args.fail("--smooth takes a weight of the past in [0, 1)");
    if (args.has("json") && args.has("csv")) args.fail("--json and --csv exclude each other");
    PublishConfig publishing = publishConfig(args);

    checkRegionSyntax(args);

    // Open every source first: a bad one fails before any work or output.
    const auto sourceOpts = sourceOptions(args, args.has("realtime"));
    std::vector<std::unique_ptr<video::FrameSource>> sources;
    for (const auto& spec : args.positionals())
        sources.push_back(std::make_unique<video::FrameSource>(int(sources.size()), spec, sourceOpts));
    options.regions = regionOptions(args, sources);

    std::vector<std::unique_ptr<video::AnnotatedWriter>> writers;
    if (auto output = args.value("output")) {
        for (size_t i = 0; i < sources.size(); ++i) {
            const auto& info = sources[i]->info();
            video::WriterOptions w;
            w.path = outputPathFor(*output, i, sources.size());
            std::vector<std::string> inputs = args.positionals();
            inputs.push_back(model.path());
            refuseOverwritingInputs(args, w.path, inputs);
            if (info.kind == video::SourceKind::File && info.spec != "-")
                w.audioFrom = info.spec;  // stdin is read once
            w.width = info.width;
            w.height = info.height;
            w.frameRate = info.frameRate;
            w.timeBase = info.timeBase;
            writers.push_back(std::make_unique<video::AnnotatedWriter>(w));
        }
    }

    std::unique_ptr<classify::ResultSink> sink;
    if (args.has("json")) sink = std::make_unique<classify::JsonLinesSink>(std::cout);
    if (args.has("csv")) sink = std::make_unique<classify::CsvSink>(std::cout);

    auto context = openDevice(args);
    PublishOutputs published(std::move(publishing), args.positionals(), context->info().name,
                             std::filesystem::path(model.path()).filename().string());
    video::VideoPipeline pipeline(*context, model, sources, options);
    int64_t total = 0;
    bool allFiles = true;
    for (const auto& s : sources) {
        allFiles = allFiles && !s->info().live && s->info().kind == video::SourceKind::File;
        total += std::max<int64_t>(0, s->info().frameCountEstimate);
    }
    Progress progress(allFiles ? total : 0);
    const auto& stop = installStopSignals();

    pipeline.run(
        [&](const video::FrameEvent& e) {
            progress.update(pipeline.stats().delivered);
            published.tick(pipeline);
            const auto& regions = *e.regions;
            const bool wholeFrame = regions.size() == 1 && regions[0].name.empty();
            const auto results = video::frameResults(e, sources[e.frame.source]->info().spec, top, labels);
            if (!writers.empty()) {
                if (wholeFrame) {
                    writers[e.frame.source]->write(*e.frame.image, overlayLines(results[0].top));
                } else {
                    std::vector<video::Box> boxes;
                    for (size_t k = 0; k < regions.size(); ++k) {
                        const auto& rect = regions[k].rect;
                        boxes.push_back({rect.x, rect.y, rect.w, rect.h, regionLines(regions[k].name, results[k].top)});
                    }
                    writers[e.frame.source]->write(*e.frame.image, {}, boxes);
                }
            }
            if (!e.classified) return;
            for (const classify::FrameResult& r : results) {
                if (sink)
                    sink->write(r);
                else
                    printText(r);
                published.write(r);
            }
        },
        stop);
    progress.finish();

    // An interrupted file run is incomplete: its writer's destructor removes the
    // partial output. Live sources end by Ctrl-C, so their output is kept.
    const bool complete = !stop || !allFiles;
    if (complete)
        for (auto& w : writers) w->finish();
    writers.clear();

    const classify::RunSummary summary = pipeline.summary();
    std::vector<std::string> endErrors;
    for (const auto& s : sources)
        if (!s->endError().empty()) endErrors.push_back(s->endError());
    published.finish(summary);
    if (sink) sink->summary(summary);
    if (!sink)
        std::cerr << format(
            "resvk: %lld frames decoded, %lld classified, %lld dropped, %lld damaged; %.1f fps; "
            "latency p50 %.1f ms, p95 %.1f ms\n",
            (long long)summary.decoded, (long long)summary.classified, (long long)summary.dropped,
            (long long)summary.damaged, summary.fps, summary.latencyP50Ms, summary.latencyP95Ms);
    if (args.has("verbose") && pipeline.usedCpuFallback())
        std::cerr << "resvk: note: a pixel format was converted on the CPU (libswscale) before the GPU\n";
    for (const auto& src : summary.sources)
        if (src.reconnects > 0)
            std::cerr << format("resvk: %s: reconnected %lld time%s\n", src.source.c_str(), (long long)src.reconnects,
                                src.reconnects == 1 ? "" : "s");
    for (const auto& e : endErrors) std::cerr << "resvk: warning: " << e << "\n";
    if (stop) std::cerr << (complete ? "resvk: stopped\n" : "resvk: interrupted; partial output removed\n");
    // The counts go to stdout with --json/--csv: say them here too. A source that
    // ended with an error was already named above.
    if (summary.damaged > 0)
        std::cerr << format("resvk: warning: the decoder reported damage in %lld frame%s%s\n",
                            (long long)summary.damaged, summary.damaged == 1 ? "" : "s",
                            args.has("strict") ? "" : "; --strict makes this an error");
    published.linger();
    const bool damaged = summary.damaged > 0 || !endErrors.empty();
    if (damaged && args.has("strict")) return 1;
    return stop ? stoppedExitCode() : 0;
}

}  // namespace resvk::app
