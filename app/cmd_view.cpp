// resvk view: classify video live in a desktop window (GLFW + Vulkan swapchain +
// Dear ImGui overlay). The window code lives in app/viewer/.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "classify_setup.h"
#include "common.h"
#include "publish_setup.h"
#include "stop_signal.h"
#include "video/frame_result.h"
#include "video/frame_source.h"
#include "video/video_pipeline.h"
#include "viewer/command.h"
#include "viewer/viewer.h"
#include "viewer/window.h"

namespace resvk::app {

const CommandSpec& viewSpec() {
    static const CommandSpec spec{
        "view",
        "SOURCE... --model MODEL.onnx [options]",
        "Plays video sources in a window with their top-K classes drawn over them, live.\n"
        "A SOURCE is a video file, a webcam (/dev/video0), a network stream or an FFmpeg virtual\n"
        "source (lavfi:testsrc2=size=1280x720:rate=30), as for `resvk classify`; several sources\n"
        "are shown as a grid. Files play at their frame rate (--fast: as fast as inference goes).\n"
        "The picture is drawn on the GPU from the same upload the network reads.",
        "SOURCE",
        1,
        optionGroups(
            {modelOptionSpecs(),
             {{"top", "K", "how many classes to show per source (1-10)", "5"}},
             preprocessOptionSpecs(),
             {{"every", "N", "classify every Nth frame of each source", "1"},
              {"smooth", "A", "average probabilities over time, A = weight of the past in [0, 1)", "0 (off)"},
              {"fast", "", "files: run as fast as possible instead of at their frame rate", ""},
              {"realtime", "", "files: pace to their timestamps (the default for view)", ""}},
             regionOptionSpecs(),
             sourceOptionSpecs(),
             {{"no-vsync", "", "present without waiting for vertical sync (MAILBOX or IMMEDIATE if available)", ""},
              {"display-budget", "PERCENT",
               "the most inference throughput the window may cost while the network is busy; 100: draw every frame",
               "3"},
              {"stats", "", "start with the stats panel open (key i)", ""},
              {"size", "WxH", "initial window size",
               "one source: its own size, scaled to fit 640x360..1280x720; several: 1280x720"},
              {"screenshot-after", "N FILE.png", "draw N frames, save the window as a PNG and exit", ""},
              {"screenshot-file", "FILE.png", "the same FILE, as a separate option", ""},
              {"print-shown", "", "with a screenshot: print each source's shown frame, top-1 label and layout", ""},
              {"exit-at-end", "", "close the window when every source has ended (scripts, benchmarks)", ""},
              {"test-resize", "", "testing aid: resize, minimise and restore the window while running", ""},
              {"cost-phases", "N",
               "benchmark aid: alternate N classified frames without drawing and N drawing; report the window's cost",
               ""},
              deviceOption(),
              deviceProfileOption(),
              precisionOption()},
             publishOptionSpecs()}),
        {"resvk view clip.mp4 --model resnet18-v1-7 --labels imagenet",
         "resvk view /dev/video0 rtsp://camera.local/stream --model resnet50-v2-7 --smooth 0.8 --stats",
         "resvk view a.mp4 --model m.onnx --screenshot-after 30 shot.png",
         "resvk view rtsp://cam/stream --model m.onnx --roi door=0,0,0.3,1 --roi yard=0.3,0.2,0.7,0.8"},
        "Keys: space pause/resume, . next frame, o labels on/off, i stats, c settings (top K,\n"
        "smoothing, frame stride), f fullscreen, s screenshot (resvk-DATE-TIME.png), q or Esc quit.\n"
        "The window keeps its cost to inference within --display-budget: where drawing is costly (a CPU\n"
        "Vulkan driver) it shows fewer frames while the network is busy, and every frame when it keeps up.\n"
        "Needs a display (X11 or Wayland); without one, `resvk classify --output annotated.mp4` writes\n"
        "the labelled video instead.\n"
        "--print-shown lines: shown source=I frame=N prob=P video=X,Y,W,H overlay=X,Y,W,H top1=LABEL\n" +
            publishHelpNotes()};
    return spec;
}

std::vector<std::string> normaliseViewArgs(std::vector<std::string> argv) {
    for (size_t i = 0; i < argv.size(); ++i) {
        const bool inlineValue = argv[i].rfind("--screenshot-after=", 0) == 0;
        if (argv[i] != "--screenshot-after" && !inlineValue) continue;
        const size_t file = i + (inlineValue ? 1 : 2);
        if (file < argv.size() && argv[file].rfind("--", 0) != 0) {
            argv.insert(argv.begin() + file, "--screenshot-file");
            ++i;
        }
    }
    return argv;
}

namespace {

// --size WxH, checked before any slow work; nullopt when not given.
std::optional<std::pair<int, int>> requestedSize(const Args& args) {
    auto size = args.value("size");
    if (!size) return std::nullopt;
    int w = 0, h = 0;
    char tail = 0;
    if (std::sscanf(size->c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 64 || h < 64 || w > 16384 || h > 16384)
        args.fail("--size expects WxH, e.g. 1280x720, got '" + *size + "'");
    return std::make_pair(w, h);
}

// The window opens at the video's own size (as video players do: the picture
// is shown 1:1, and a CPU Vulkan driver has fewer pixels to draw), scaled to
// fit between 640x360 (room for the overlay) and 1280x720; a grid of sources
// opens at 1280x720.
std::pair<int, int> defaultSize(const std::vector<std::unique_ptr<video::FrameSource>>& sources) {
    const auto& info = sources.front()->info();
    if (sources.size() != 1 || info.width <= 0 || info.height <= 0) return {1280, 720};
    const double down = std::min({1.0, 1280.0 / info.width, 720.0 / info.height});
    const double up = std::max({1.0, 640.0 / info.width, 360.0 / info.height});
    const double scale = down < 1.0 ? down : up;
    return {static_cast<int>(std::lround(info.width * scale)), static_cast<int>(std::lround(info.height * scale))};
}

}  // namespace

int runView(const Args& args) {
    if (!args.has("model")) args.fail("missing --model MODEL.onnx");
    if (args.has("crop") && args.has("no-crop")) args.fail("--crop and --no-crop exclude each other");
    if (args.has("fast") && args.has("realtime")) args.fail("--fast and --realtime exclude each other");
    viewer::ViewerOptions options;
    options.settings.top = args.integer("top", 5, 1, 10);
    options.settings.every = args.integer("every", 1, 1, 1000000);
    options.settings.smoothing = static_cast<float>(args.number("smooth", 0.0, 0.0));
    if (options.settings.smoothing >= 1.0f) args.fail("--smooth takes a weight of the past in [0, 1)");
    options.settings.stats = args.has("stats");
    options.vsync = !args.has("no-vsync");
    options.displayBudget = args.number("display-budget", 3.0, 0.0) / 100.0;
    options.printShown = args.has("print-shown");
    options.exitAtEnd = args.has("exit-at-end");
    options.testResize = args.has("test-resize");
    options.costPhaseFrames = args.has("cost-phases") ? args.integer("cost-phases", 0, 1, 1000000) : 0;
    if (args.has("screenshot-after")) {
        options.screenshotAfter = args.integer("screenshot-after", 0, 1, 1000000);
        if (!args.has("screenshot-file")) args.fail("--screenshot-after needs a file: --screenshot-after N FILE.png");
        options.screenshotPath = *args.value("screenshot-file");
    } else if (args.has("screenshot-file")) {
        args.fail("--screenshot-file goes with --screenshot-after N");
    }
    const auto size = requestedSize(args);
    PublishConfig publishing = publishConfig(args);
    checkRegionSyntax(args);
    args.numbers("mean", 3);
    args.numbers("std", 3);
    // No window system: say what to do instead before any slow work.
    if (const std::string why = viewer::missingDisplayReason(); !why.empty()) {
        std::cerr << "resvk: error: " << why << "\n";
        return 1;
    }

    const std::string modelPath = *args.value("model");
    model::Model model = loadModel(modelPath);
    const InputGeometry g = checkInput(model, args);
    const classify::PreprocessOptions preprocess = preprocessOptions(args, g);
    const std::vector<std::string> labels = findLabels(args, modelPath);
    options.modelName = std::filesystem::path(modelPath).filename().string();
    options.inputText = format("%dx%d", g.width, g.height);

    const auto sourceOpts = sourceOptions(args, !args.has("fast"));  // view plays files at their pace
    std::vector<std::unique_ptr<video::FrameSource>> sources;
    for (const auto& spec : args.positionals())
        sources.push_back(std::make_unique<video::FrameSource>(int(sources.size()), spec, sourceOpts));
    const auto regions = regionOptions(args, sources);  // checked against the frame sizes before the window opens

    const auto [width, height] = size ? *size : defaultSize(sources);
    viewer::Window window("resvk - " + options.modelName, width, height);
    vk::ContextOptions vkOptions = contextOptions(args);
    vkOptions.instanceExtensions = viewer::Window::instanceExtensions();
    vkOptions.deviceExtensions = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
    vkOptions.queueFamilyFilter = &viewer::Window::canPresent;
    vk::Context context(vkOptions);

    video::PipelineOptions pipelineOptions;
    pipelineOptions.preprocess = preprocess;
    pipelineOptions.every = options.settings.every;
    pipelineOptions.smoothing = options.settings.smoothing;
    pipelineOptions.regions = regions;
    video::VideoPipeline pipeline(context, model, sources, pipelineOptions);
    PublishOutputs published(std::move(publishing), args.positionals(), context.info().name, options.modelName);
    if (published.active())
        options.tap = [&, top = options.settings.top](const video::FrameEvent& e) {
            published.tick(pipeline);
            if (e.classified)
                for (const auto& r : video::frameResults(e, sources[e.frame.source]->info().spec, top, labels))
                    published.write(r);
        };
    const auto& interrupted = installStopSignals();
    viewer::Viewer view(context, window, pipeline, sources, preprocess, labels, options);
    const int code = view.run(interrupted);
    published.finish(pipeline.summary());
    published.linger();
    return code;
}

}  // namespace resvk::app
