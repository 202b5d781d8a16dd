#pragma once
// The viewer's loop. The video pipeline runs on this (the main) thread and
// calls back once per decoded frame; each callback converts the frame's GPU
// upload for display, handles input and draws a window frame when a swapchain
// image is free (never waiting for vsync unless paused or screenshotting), so
// the window always shows the newest frame with the newest result for it.
// One thread keeps the single Vulkan queue free of concurrent submissions.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "video/frame_source.h"
#include "video/video_pipeline.h"
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
    bool printShown = false;  // print the shown frame, top-1 and layout with each screenshot
    bool exitAtEnd = false;   // close when every source has ended instead of showing the last frame
    bool testResize = false;  // resize, minimise and restore the window during the run (tests)
    std::string modelName, inputText;
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

    std::vector<SourceView> views_;
    std::vector<std::vector<float>> probs_;
    std::vector<bool> changed_;
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
