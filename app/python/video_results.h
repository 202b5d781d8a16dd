#pragma once
// resvk.classify_video(): the CLI's video pipeline (video::VideoPipeline) run on
// a thread of its own, with its own Vulkan context on the Classifier's device,
// giving its results to Python as an iterator. Waiting for a result releases
// the GIL and checks for signals every 100 ms, so Ctrl-C stops the run cleanly
// (the pipeline drains, the sources close) and raises KeyboardInterrupt.
#include <pybind11/pybind11.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "classifier.h"
#include "classify/result_sink.h"
#include "video/frame_source.h"
#include "video/video_pipeline.h"

namespace resvk::python {

struct VideoOptions {
    int every = 1;
    float smooth = 0.0f;
    int top = 5;
    int batch = 8;  // frames of each file per GPU run
    bool realtime = false;
    double timeout = 10.0;
    std::string inputFormat, videoSize, framerate;
};

class VideoResults {
public:
    // Opens every source first (a bad one raises before any work), then starts.
    VideoResults(py::object classifier, const std::vector<std::string>& sources, const VideoOptions& options);
    ~VideoResults();

    // The next classified frame; raises StopIteration at the end, resvk.Error
    // when the run failed, KeyboardInterrupt (after stopping) on Ctrl-C.
    classify::FrameResult next();
    // Stops the run and waits for it (also on leaving a `with` block or deletion).
    void close();
    // The run's counts once it ended (None before).
    std::optional<classify::RunSummary> summary() const;

private:
    void run();
    void stopAndJoin();

    py::object owner_;  // keeps the Classifier (model, labels) alive
    const Classifier& net_;
    VideoOptions options_;
    std::vector<std::unique_ptr<video::FrameSource>> sources_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<classify::FrameResult> queue_;
    bool done_ = false;
    std::string error_;
    std::vector<std::string> warnings_;
    std::optional<classify::RunSummary> summary_;
};

}  // namespace resvk::python
