#include "video_results.h"

#include <chrono>

#include "video/frame_result.h"

namespace resvk::python {

namespace {
// Results waiting for Python: when it reads slower than the GPU classifies, the
// pipeline waits (files) instead of buffering without bound.
constexpr size_t kQueued = 64;
}  // namespace

VideoResults::VideoResults(py::object classifier, const std::vector<std::string>& sources, const VideoOptions& options)
    : owner_(std::move(classifier)), net_(owner_.cast<const Classifier&>()), options_(options) {
    if (sources.empty()) throw Error("classify_video needs at least one source");
    if (options.every < 1 || options.every > 1000000)
        throw Error("--every must be an integer from 1 to 1000000, got '" + std::to_string(options.every) + "'");
    if (!(options.smooth >= 0.0f && options.smooth < 1.0f))
        throw Error("--smooth takes a weight of the past in [0, 1)");
    if (options.top < 1)
        throw Error("--top must be an integer from 1 to 1000000, got '" + std::to_string(options.top) + "'");
    if (options.batch < 1 || options.batch > 4096)
        throw Error("--batch must be an integer from 1 to 4096, got '" + std::to_string(options.batch) + "'");
    if (!(options.timeout >= 0.1)) throw Error("--timeout must be a number >= 0.1");
    video::SourceOptions so;
    so.inputFormat = options.inputFormat;
    so.videoSize = options.videoSize;
    so.framerate = options.framerate;
    so.timeoutSeconds = options.timeout;
    so.realtime = options.realtime;
    {
        py::gil_scoped_release unlocked;  // opening a network source may wait
        for (const auto& spec : sources)
            sources_.push_back(std::make_unique<video::FrameSource>(int(sources_.size()), spec, so));
    }
    thread_ = std::thread([this] { run(); });
}

VideoResults::~VideoResults() {
    py::gil_scoped_release unlocked;
    stopAndJoin();
}

void VideoResults::run() {
    try {
        vk::Context context(net_.contextOptions());
        video::PipelineOptions po;
        po.preprocess = net_.preprocess();
        po.every = options_.every;
        po.smoothing = options_.smooth;
        po.framesPerFile = options_.batch;
        video::VideoPipeline pipeline(context, net_.model(), sources_, po);
        pipeline.run(
            [&](const video::FrameEvent& e) {
                if (!e.classified) return;
                auto r = video::frameResult(e, sources_[e.frame.source]->info().spec,
                                            video::rankedTop(e, options_.top, net_.labels()));
                std::unique_lock<std::mutex> lock(mutex_);
                changed_.wait(lock, [&] { return queue_.size() < kQueued || stop_; });
                if (stop_) return;
                queue_.push_back(std::move(r));
                changed_.notify_all();
            },
            stop_);
        std::lock_guard<std::mutex> lock(mutex_);
        summary_ = pipeline.summary();
        for (const auto& s : sources_)
            if (!s->endError().empty()) warnings_.push_back(s->endError());
        if (summary_->damaged > 0)
            warnings_.push_back("the decoder reported damage in " + std::to_string(summary_->damaged) + " frame" +
                                (summary_->damaged == 1 ? "" : "s"));
    } catch (const std::bad_alloc&) {
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = "out of memory";
    } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = e.what();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    changed_.notify_all();
}

void VideoResults::stopAndJoin() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        changed_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
}

classify::FrameResult VideoResults::next() {
    for (;;) {
        {
            py::gil_scoped_release unlocked;
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait_for(lock, std::chrono::milliseconds(100), [&] { return !queue_.empty() || done_; });
            if (!queue_.empty()) {
                classify::FrameResult r = std::move(queue_.front());
                queue_.pop_front();
                changed_.notify_all();
                return r;
            }
        }
        if (PyErr_CheckSignals() != 0) {  // Ctrl-C: stop the run, then raise
            {
                py::gil_scoped_release unlocked;
                stopAndJoin();
            }
            throw py::error_already_set();
        }
        std::unique_lock<std::mutex> lock(mutex_);
        if (!done_) continue;
        if (!error_.empty()) {
            const std::string error = std::move(error_);
            error_.clear();
            throw Error(error);
        }
        std::vector<std::string> warnings = std::move(warnings_);
        warnings_.clear();
        lock.unlock();
        for (const auto& w : warnings)
            if (PyErr_WarnEx(PyExc_RuntimeWarning, w.c_str(), 1) != 0) throw py::error_already_set();
        throw py::stop_iteration();
    }
}

void VideoResults::close() {
    py::gil_scoped_release unlocked;
    stopAndJoin();
}

std::optional<classify::RunSummary> VideoResults::summary() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return summary_;
}

}  // namespace resvk::python
