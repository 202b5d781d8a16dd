#pragma once
// The frame loop of `resvk classify` on video: each tick takes the next frame of
// every file source and the newest frame of every live source, preprocesses
// them on the GPU straight into one batched network input, and keeps several
// ticks in flight so decoding, upload, inference and readback overlap. Results
// come back a tick or two later, in order, one event per delivered frame.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "classify/preprocess.h"
#include "classify/result_sink.h"
#include "classify/roi.h"
#include "classify/smoothing.h"
#include "model/model.h"
#include "video/frame_source.h"
#include "video/preprocess_gpu.h"
#include "vk/context.h"
#include "vk/kernel.h"

namespace resvk::runtime {
class Plan;
}

namespace resvk::video {

struct PipelineOptions {
    classify::PreprocessOptions preprocess;
    int every = 1;           // classify every Nth frame of each source
    float smoothing = 0.0f;  // weight of the past in the per-source moving average
    int inFlight = 2;        // ticks submitted before the oldest is collected
    // Files and generated sources: frames to classify per source per tick. A
    // bigger batch runs faster per frame; live sources always give their newest one.
    int framesPerFile = 1;
    // Per source (command-line order), its regions of interest: each is its own
    // batch item, preprocessed from the same upload. A source without any (or
    // past the end of the list) is classified as a whole frame.
    std::vector<std::vector<classify::RegionSpec>> regions;
};

// One region of a source as last classified; the whole frame has name "".
struct RegionState {
    std::string name;
    classify::PixelRect rect;  // in the frame's pixels (a region clipped to a frame that shrank)
    std::vector<float> probs;  // latest (smoothed) probabilities; empty before the first
};

// One per delivered frame, in order within each source.
struct FrameEvent {
    const Frame& frame;
    bool classified;                  // this frame went through the network
    const std::vector<float>* probs;  // the source's latest (smoothed) probabilities; null before the first
                                      // (with regions: those of its first region)
    double latencyMs;                 // decode -> result, for classified frames
    // The preprocessor slot that still holds this frame's planes while the
    // callback runs (see GpuPreprocessor::planeView); -1 when it was not uploaded.
    int gpuSlot = -1;
    // The source's regions (one, named "", without --roi), latest first-to-last
    // as given; `probs` above is regions->front().probs.
    const std::vector<RegionState>* regions = nullptr;
};

struct PipelineStats {
    int64_t classified = 0;
    int64_t delivered = 0;
    // Decode -> result latencies of the latest classified frames, oldest first: at
    // least the last kLatencyWindow (about 36 minutes at 30 frames/s), so that an
    // endless stream holds bounded memory.
    static constexpr size_t kLatencyWindow = 65536;
    std::vector<double> latenciesMs;
    // Time run() spent blocked waiting for a paced source (live, or played at its
    // frame rate) to give a frame: the network and the decoders are idle then,
    // and the viewer lets the window use that time. Waits on a file decoded as
    // fast as possible are not counted (its decoder is busy on the same machine).
    double inputWaitSeconds = 0.0;
    double seconds = 0.0;                             // wall time of the last run()
    std::chrono::steady_clock::time_point startedAt;  // of the run going on (summary() while running)
    // When the first and the last results came, and how many frames the first tick classified.
    std::chrono::steady_clock::time_point firstResultAt, lastResultAt;
    int64_t classifiedBeforeSteady = 0;
    std::vector<int64_t> classifiedPerSource;
    // Network batches (ticks) run, and their summed wall time from submit to
    // results read back (metrics: inference time per batch).
    int64_t batches = 0;
    double batchSeconds = 0.0;
};

class VideoPipeline {
public:
    VideoPipeline(vk::Context& context, const model::Model& model, std::vector<std::unique_ptr<FrameSource>>& sources,
                  const PipelineOptions& options);
    ~VideoPipeline();

    // Runs until every source ends or `stop` becomes true, then drains what is in flight.
    void run(const std::function<void(const FrameEvent&)>& onFrame, const std::atomic<bool>& stop);

    const PipelineStats& stats() const { return stats_; }
    // The run's counts, rate and latency percentiles, as classify and view report them.
    // `recent` > 0: latency percentiles of the last `recent` frames only (cheap
    // enough to report every second of a long run, and what "latency now" means).
    classify::RunSummary summary(size_t recent = 0) const;
    bool usedCpuFallback() const { return preprocessor_.usedCpuFallback(); }
    // The viewer draws frames from the preprocessor's slots (and registers its
    // readers there, so that a slot is not refilled under them).
    GpuPreprocessor& preprocessor() { return preprocessor_; }

    // Live changes (the viewer's settings), safe from inside the frame callback.
    void setEvery(int every) { options_.every = std::max(1, every); }
    void setSmoothing(float smoothing);

private:
    struct Tick;
    std::vector<Frame> gatherTick(const std::atomic<bool>& stop);
    std::optional<Frame> nextFrame(FrameSource& source, std::chrono::milliseconds timeout);
    // One batch item: the preprocessor slot holding the frame and the region in it.
    using Item = std::pair<int, int>;
    // The plan that preprocesses `items` into batch items 0.. and runs the network.
    runtime::Plan& planFor(const std::vector<Item>& items);
    std::vector<classify::PixelRect> rectsFor(int source, const AVFrame& frame) const;
    void submitTick(Tick& tick, int batch);
    void collect(Tick& tick, const std::function<void(const FrameEvent&)>& onFrame);

    vk::Context& context_;
    const model::Model& model_;
    std::vector<std::unique_ptr<FrameSource>>& sources_;
    PipelineOptions options_;
    vk::KernelCache kernels_;
    GpuPreprocessor preprocessor_;
    int maxFrames_;  // frames one tick can classify: preprocessor slots per tick
    std::map<std::vector<Item>, std::unique_ptr<runtime::Plan>> plans_;
    int chunk_ = 0;  // > 0: the largest sub-batch that fits the device's buffer limits
    // Per source, per region.
    std::vector<std::vector<std::unique_ptr<classify::ProbabilitySmoother>>> smoothers_;
    std::vector<std::vector<RegionState>> regions_;
    bool outputsAreProbabilities_ = false;
    bool checkedOutputs_ = false;
    PipelineStats stats_;
};

}  // namespace resvk::video
