#pragma once
// The viewer's loop. The video pipeline runs on this (the main) thread and
// calls back once per decoded frame; each callback handles input and, when the
// display pacer allows, converts the frame's GPU upload for display and draws a
// window frame if a swapchain image is free (never waiting for vsync unless
// paused or screenshotting), so the window shows the newest frame with the
// newest result for it, and drawing takes at most its budget from inference.
// One thread keeps the single Vulkan queue free of concurrent submissions.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "video/frame_source.h"
#include "video/video_pipeline.h"
#include "viewer/cost_phases.h"
#include "viewer/display_pacer.h"
#include "viewer/frame_converter.h"
#include "viewer/overlay.h"
#include "viewer/renderer.h"
#include "viewer/window.h"

namespace resvk::app::viewer {

struct ViewerOptions {
    ViewSettings settings;
    bool vsync = true;
    int screenshotAfter = 0;  // > 0: save the window after this many drawn frames, then quit
    std::string screenshotPath;
    bool printShown = false;      // print the shown frame, top-1 and layout with each screenshot
    bool exitAtEnd = false;       // close when every source has ended instead of showing the last frame
    bool testResize = false;      // resize, minimise and restore the window during the run (tests)
    double displayBudget = 0.03;  // share of a busy device the window may use (DisplayPacer)
    int costPhaseFrames = 0;      // > 0: measure the window's cost (CostPhases)
    std::string modelName, inputText;
    // Also sees every frame event first (--publish, --metrics), even while draining after quit.
    std::function<void(const video::FrameEvent&)> tap;
};

class Viewer {
public:
    Viewer(vk::Context& context, Window& window, video::VideoPipeline& pipeline,
           std::vector<std::unique_ptr<video::FrameSource>>& sources, const classify::PreprocessOptions& preprocess,
           std::vector<std::string> labels, ViewerOptions options);
    ~Viewer();

    // Plays until the user quits (or, with a screenshot, until it is saved); 0 or 130 (interrupted).
    int run(const std::atomic<bool>& interrupted);

private:
    void onFrame(const video::FrameEvent& e);
    // Draws the window once, empty, before the video starts: it shows at once,
    // and the draw pipelines (lavapipe builds them on first use) are ready.
    void warmUp();
    void openRound();
    bool roundComplete() const;
    void convert(const video::FrameEvent& e);
    bool screenshotDue() const;
    double secondsSinceStart() const;
    void handleInput();
    bool draw(bool waitForImage);
    void applySettings(const ViewSettings& before);
    void rerank(int source);
    void updateStats();
    void testHooks();
    std::string screenshotName() const;

    vk::Context& context_;
    Window& window_;
    video::VideoPipeline& pipeline_;
    std::vector<std::unique_ptr<video::FrameSource>>& sources_;
    std::vector<std::string> labels_;
    ViewerOptions options_;
    Overlay overlay_;  // before the renderer: its ImGui context outlives the backends
    vk::KernelCache kernels_;
    FrameConverter converter_;
    Renderer renderer_;
    DisplayPacer pacer_;
    CostPhases costPhases_;

    std::vector<SourceView> views_;
    std::vector<std::vector<float>> probs_;
    std::vector<std::vector<std::vector<float>>> regionProbs_;  // per source, per region (--roi)
    std::vector<bool> changed_;
    // The round being drawn: sources whose next frame is still to convert, when
    // it started, and the main thread's CPU time spent on it so far.
    std::vector<bool> toConvert_;
    bool roundOpen_ = false;
    double roundStarted_ = 0.0, roundCpuSeconds_ = 0.0;
    double lastGpuSeconds_ = 0.0;    // GPU time of the last round drawn
    int64_t shownWhileRunning_ = 0;  // frames drawn while the pipeline ran
    std::chrono::steady_clock::time_point started_;
    ViewStats stats_;
    std::atomic<bool> stop_{false};
    const std::atomic<bool>* interrupted_ = nullptr;
    bool paused_ = false, step_ = false, quit_ = false;
    bool screenshotRequested_ = false, screenshotDone_ = false;
    int64_t drawn_ = 0;
    int64_t hookEvents_ = 0;
    // Stats windows.
    std::chrono::steady_clock::time_point statsSince_;
    int64_t decodedAtStats_ = 0, classifiedAtStats_ = 0, drawnAtStats_ = 0;
};

}  // namespace resvk::app::viewer
