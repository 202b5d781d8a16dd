#include "viewer/viewer.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "classify/topk.h"
#include "common.h"
#include "stop_signal.h"
#include "video/png_writer.h"
#include "viewer/layout.h"

namespace resvk::app::viewer {

Viewer::Viewer(vk::Context& context, Window& window, video::VideoPipeline& pipeline,
               std::vector<std::unique_ptr<video::FrameSource>>& sources, const classify::PreprocessOptions& preprocess,
               std::vector<std::string> labels, ViewerOptions options)
    : context_(context),
      window_(window),
      pipeline_(pipeline),
      sources_(sources),
      labels_(std::move(labels)),
      options_(std::move(options)),
      kernels_(context),
      converter_(context, kernels_, preprocess, static_cast<int>(sources.size())),
      renderer_(context, window, options_.vsync),
      pacer_(options_.displayBudget, static_cast<int>(sources.size())),
      costPhases_(options_.costPhaseFrames) {
    views_.resize(sources.size());
    for (size_t i = 0; i < sources.size(); ++i) views_[i].name = sources[i]->info().spec;
    probs_.resize(sources.size());
    regionProbs_.resize(sources.size());
    changed_.assign(sources.size(), false);
    toConvert_.assign(sources.size(), false);
    stats_.device = context.info().name;
    stats_.model = options_.modelName;
    stats_.input = options_.inputText;
    stats_.presentMode = renderer_.presentModeName();
    stats_.displayBudget = options_.displayBudget;
    statsSince_ = started_ = std::chrono::steady_clock::now();
}

Viewer::~Viewer() = default;

void Viewer::rerank(int source) {
    views_[source].top.clear();
    if (!probs_[source].empty() && views_[source].regions.empty())
        views_[source].top = classify::rankLabels(classify::topK(probs_[source], options_.settings.top), labels_);
    for (size_t k = 0; k < views_[source].regions.size(); ++k) {
        auto& region = views_[source].regions[k];
        region.top.clear();
        if (!regionProbs_[source][k].empty())
            region.top = classify::rankLabels(classify::topK(regionProbs_[source][k], options_.settings.top), labels_);
    }
}

namespace {
// Drawing a round waits at most this long for every source's next frame.
constexpr double kRoundSeconds = 0.1;

double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}
}  // namespace

double Viewer::secondsSinceStart() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void Viewer::onFrame(const video::FrameEvent& e) {
    if (options_.tap) options_.tap(e);
    if (quit_) return;  // draining after quit: nothing more to show
    const int s = e.frame.source;
    views_[s].frame = e.frame.index;
    if (e.probs) probs_[s] = *e.probs;
    if (e.regions && !(e.regions->size() == 1 && e.regions->front().name.empty())) {
        auto& regions = views_[s].regions;
        regions.resize(e.regions->size());
        regionProbs_[s].resize(e.regions->size());
        for (size_t k = 0; k < regions.size(); ++k) {
            const auto& r = (*e.regions)[k];
            regions[k].name = r.name;
            regions[k].rect = {r.rect.x, r.rect.y, r.rect.w, r.rect.h};
            regions[k].frameWidth = e.frame.image->width;
            regions[k].frameHeight = e.frame.image->height;
            regionProbs_[s][k] = r.probs;
        }
    }
    rerank(s);
    if (e.classified) {
        pacer_.classified(secondsSinceStart());
        costPhases_.classified(secondsSinceStart());
        // The recent median: the first results also carry the one-off kernel compilation.
        const auto& all = pipeline_.stats().latenciesMs;
        std::vector<double> recent(all.end() - std::min<size_t>(all.size(), 31), all.end());
        std::nth_element(recent.begin(), recent.begin() + recent.size() / 2, recent.end());
        stats_.latencyMs = recent[recent.size() / 2];
    }
    window_.poll();
    handleInput();

    // A round shows the next frame of every source. It starts when the pacer
    // allows, or at once when the user looks at single frames (paused,
    // stepping, a screenshot due): those are not charged, the network waits anyway.
    const bool userWaits = paused_ || step_ || screenshotDue();
    const bool mayDraw =
        userWaits || (costPhases_.drawing() && pacer_.due(secondsSinceStart(), pipeline_.stats().inputWaitSeconds));
    if (!roundOpen_ && mayDraw) openRound();
    // A finished source (nothing left to decode) still delivers the frames in
    // flight: keep its picture current, so that the window ends on its last frame.
    if ((roundOpen_ && toConvert_[s]) || sources_[s]->finished()) convert(e);
    if (roundOpen_ && (userWaits || roundComplete())) {
        const double cpu = threadCpuSeconds();
        const bool shown = draw(options_.screenshotAfter > 0);
        roundCpuSeconds_ += threadCpuSeconds() - cpu;
        if (shown) {
            ++shownWhileRunning_;
            costPhases_.shown();
            if (!userWaits) pacer_.shown(roundCpuSeconds_ + lastGpuSeconds_);
        }
        roundOpen_ = false;
    }
    testHooks();
    while (paused_ && !step_ && !quit_ && !(interrupted_ && *interrupted_)) {
        window_.wait(0.05);
        handleInput();
        draw(true);
    }
    step_ = false;
    if (quit_ || (interrupted_ && *interrupted_)) stop_ = true;
}

void Viewer::openRound() {
    // The previous round's GPU work finished long ago: its time is the
    // estimate charged for this one (one frame costs about what the last did).
    lastGpuSeconds_ = renderer_.takeGpuSeconds() + converter_.takeGpuSeconds();
    roundCpuSeconds_ = 0.0;
    roundStarted_ = secondsSinceStart();
    // Every source's next frame, also one whose decoder has finished (frames it
    // decoded are still on their way); only the wait for the round skips those.
    std::fill(toConvert_.begin(), toConvert_.end(), true);
    roundOpen_ = true;
}

bool Viewer::roundComplete() const {
    if (secondsSinceStart() - roundStarted_ > kRoundSeconds) return true;
    for (size_t i = 0; i < sources_.size(); ++i)
        if (toConvert_[i] && !sources_[i]->finished()) return false;
    return true;
}

void Viewer::convert(const video::FrameEvent& e) {
    const double cpu = threadCpuSeconds();
    const int s = e.frame.source;
    // The last frame drawn may still be copying the picture buffer.
    renderer_.waitIdle();
    if (e.gpuSlot >= 0)
        converter_.convert(s, pipeline_.preprocessor(), e.gpuSlot);
    else
        converter_.convert(s, *e.frame.image);
    changed_[s] = true;
    toConvert_[s] = false;
    roundCpuSeconds_ += threadCpuSeconds() - cpu;
}

bool Viewer::screenshotDue() const {
    return screenshotRequested_ ||
           (options_.screenshotAfter > 0 && !screenshotDone_ && drawn_ + 1 >= options_.screenshotAfter);
}

void Viewer::handleInput() {
    if (window_.closeRequested()) quit_ = true;
    const bool imguiHasKeys = overlay_.wantsKeyboard();
    for (int key : window_.takeKeys()) {
        if (imguiHasKeys) continue;
        switch (key) {
            case GLFW_KEY_ESCAPE:
            case GLFW_KEY_Q:
                quit_ = true;
                break;
            case GLFW_KEY_SPACE:
                paused_ = !paused_;
                break;
            case GLFW_KEY_PERIOD:
                paused_ = true;
                step_ = true;
                break;
            case GLFW_KEY_O:
                options_.settings.overlay = !options_.settings.overlay;
                break;
            case GLFW_KEY_I:
                options_.settings.stats = !options_.settings.stats;
                break;
            case GLFW_KEY_C:
                options_.settings.settings = !options_.settings.settings;
                break;
            case GLFW_KEY_F:
                window_.toggleFullscreen();
                break;
            case GLFW_KEY_S:
                screenshotRequested_ = true;
                break;
            default:
                break;
        }
    }
    stats_.paused = paused_;
}

void Viewer::applySettings(const ViewSettings& before) {
    const ViewSettings& now = options_.settings;
    if (now.top != before.top)
        for (size_t i = 0; i < views_.size(); ++i) rerank(static_cast<int>(i));
    if (now.every != before.every) pipeline_.setEvery(now.every);
    if (now.smoothing != before.smoothing) pipeline_.setSmoothing(std::clamp(now.smoothing, 0.0f, 0.99f));
}

void Viewer::updateStats() {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - statsSince_).count();
    if (seconds < 0.5) return;
    int64_t decoded = 0, dropped = 0;
    for (const auto& s : sources_) {
        const auto st = s->stats();
        decoded += st.decoded;
        dropped += st.dropped;
    }
    const int64_t classified = pipeline_.stats().classified;
    stats_.decodeFps = (decoded - decodedAtStats_) / seconds;
    stats_.inferenceFps = (classified - classifiedAtStats_) / seconds;
    stats_.displayFps = (drawn_ - drawnAtStats_) / seconds;
    stats_.dropped = dropped;
    decodedAtStats_ = decoded;
    classifiedAtStats_ = classified;
    drawnAtStats_ = drawn_;
    statsSince_ = now;
}

std::string Viewer::screenshotName() const {
    char name[64];
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::strftime(name, sizeof name, "resvk-%Y%m%d-%H%M%S.png", &tm);
    return name;
}

bool Viewer::draw(bool waitForImage) {
    if (!renderer_.beginFrame(waitForImage)) {
        ++stats_.displaySkipped;
        return false;
    }
    updateStats();
    const VkExtent2D extent = renderer_.extent();
    const int n = static_cast<int>(views_.size());
    std::vector<Rect> videoRects(n);
    std::vector<Picture> pictures(n);
    for (int i = 0; i < n; ++i) {
        const Rect cell = gridCell(i, n, static_cast<int>(extent.width), static_cast<int>(extent.height));
        if (converter_.ready(i)) {
            videoRects[i] = letterbox(cell, converter_.width(i), converter_.height(i));
            pictures[i] = {&converter_.pixels(i), converter_.width(i), converter_.height(i), changed_[i],
                           videoRects[i]};
        } else {
            videoRects[i] = cell;
        }
    }
    const ViewSettings before = options_.settings;
    const std::vector<Rect> panels = overlay_.draw(views_, videoRects, stats_, options_.settings);

    ++drawn_;
    const bool autoShot = options_.screenshotAfter > 0 && !screenshotDone_ && drawn_ >= options_.screenshotAfter;
    const bool shot = autoShot || screenshotRequested_;
    ComposedImage image;
    renderer_.endFrame(pictures, shot ? &image : nullptr);
    applySettings(before);
    std::fill(changed_.begin(), changed_.end(), false);
    if (shot) {
        const std::string path = autoShot ? options_.screenshotPath : screenshotName();
        video::writePng(path, image.width, image.height, image.rgb.data());
        if (!autoShot) std::cerr << "resvk: saved " << path << "\n";
        if (options_.printShown)
            for (int i = 0; i < n; ++i) {
                const auto& v = views_[i];
                std::printf("shown source=%d frame=%lld prob=%.4f video=%d,%d,%d,%d overlay=%d,%d,%d,%d top1=%s\n", i,
                            static_cast<long long>(v.frame), v.top.empty() ? 0.0 : v.top[0].prob, videoRects[i].x,
                            videoRects[i].y, videoRects[i].w, videoRects[i].h, panels[i].x, panels[i].y, panels[i].w,
                            panels[i].h, v.top.empty() ? "" : v.top[0].label.c_str());
            }
        std::fflush(stdout);
        screenshotRequested_ = false;
        if (autoShot) {
            screenshotDone_ = true;
            quit_ = true;
        }
    }
    return true;
}

// --test-resize: exercises swapchain recreation and the zero-size (minimised)
// path on a schedule of delivered frames (a minimised window draws none), so a test can run it unattended.
void Viewer::testHooks() {
    if (!options_.testResize) return;
    switch (++hookEvents_) {
        case 4:
            window_.resize(640, 360);
            break;
        case 8:
            window_.iconify();
            break;
        case 12:
            window_.restore();
            break;
        case 16:
            window_.resize(1100, 700);
            break;
        default:
            break;
    }
}

void Viewer::warmUp() {
    if (!renderer_.beginFrame(true)) return;
    const VkExtent2D extent = renderer_.extent();
    std::vector<Rect> cells;
    for (int i = 0, n = static_cast<int>(views_.size()); i < n; ++i)
        cells.push_back(gridCell(i, n, static_cast<int>(extent.width), static_cast<int>(extent.height)));
    overlay_.draw(views_, cells, stats_, options_.settings);
    renderer_.endFrame({}, nullptr);
    renderer_.waitIdle();
}

int Viewer::run(const std::atomic<bool>& interrupted) {
    interrupted_ = &interrupted;
    warmUp();
    pipeline_.run([this](const video::FrameEvent& e) { onFrame(e); }, stop_);
    stats_.ended = true;
    const classify::RunSummary summary = pipeline_.summary();
    std::cerr << format(
        "resvk: %lld frames decoded, %lld classified, %lld dropped; inference %.1f fps, window %.1f fps; "
        "latency p50 %.1f ms\n",
        (long long)summary.decoded, (long long)summary.classified, (long long)summary.dropped, summary.fps,
        summary.seconds > 0 ? shownWhileRunning_ / summary.seconds : 0.0, summary.latencyP50Ms);
    if (options_.costPhaseFrames > 0) std::cerr << costPhases_.report() << "\n";
    // The input ended: keep showing the last frame until the user quits.
    while (!quit_ && !interrupted && !options_.exitAtEnd && !(options_.screenshotAfter > 0 && screenshotDone_)) {
        window_.wait(options_.screenshotAfter > 0 ? 0.0 : 0.1);
        handleInput();
        if (options_.screenshotAfter > 0) drawn_ = std::max<int64_t>(drawn_, options_.screenshotAfter - 1);
        draw(true);
    }
    renderer_.waitIdle();
    return interrupted ? stoppedExitCode() : 0;
}

}  // namespace resvk::app::viewer
