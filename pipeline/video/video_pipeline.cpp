#include "video/video_pipeline.h"

#include <algorithm>
#include <deque>

#include "classify/topk.h"
#include "runtime/plan.h"

namespace resvk::video {

namespace {
constexpr auto kFileWait = std::chrono::milliseconds(50);
constexpr auto kLiveWait = std::chrono::milliseconds(20);
// With --every N a file tick holds N frames per classified one; cap what one
// tick keeps alive (decoded pictures wait there for their results).
constexpr int kMaxFramesPerSourceTick = 64;

// Network inputs one tick can need: framesPerFile per file, one per live source.
int maxBatchOf(const std::vector<std::unique_ptr<FrameSource>>& sources, int framesPerFile) {
    int batch = 0;
    for (const auto& s : sources) batch += s->info().live ? 1 : std::max(1, framesPerFile);
    return std::max(1, batch);
}

double millisecondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

// One tick: the frames taken together, which of them went to the network (and
// from which batch item on: one item per region of the frame's source), and the
// plans that run them: one, or several sub-batches of `chunk` items when the
// whole batch exceeds the device's buffer limits.
struct VideoPipeline::Tick {
    std::vector<Frame> frames;
    std::vector<int> firstItem;  // per frame, -1 = not classified
    std::vector<int> upload;     // per frame, its preprocessor slot (-1 = not uploaded)
    std::vector<Item> items;
    std::vector<runtime::Plan*> plans;
    int chunk = 0;
    int slot = 0;
    std::chrono::steady_clock::time_point submittedAt;
};

VideoPipeline::VideoPipeline(vk::Context& context, const model::Model& model,
                             std::vector<std::unique_ptr<FrameSource>>& sources, const PipelineOptions& options)
    : context_(context),
      model_(model),
      sources_(sources),
      options_(options),
      kernels_(context),
      preprocessor_(context, kernels_, options.preprocess,
                    std::max<int>(1, options.inFlight) * maxBatchOf(sources, options.framesPerFile)),
      maxFrames_(maxBatchOf(sources, options.framesPerFile)) {
    options_.inFlight = std::max(1, options_.inFlight);
    options_.every = std::max(1, options_.every);
    stats_.classifiedPerSource.assign(sources.size(), 0);
    options_.regions.resize(sources.size());
    regions_.resize(sources.size());
    for (size_t i = 0; i < sources.size(); ++i) {
        const auto& specs = options_.regions[i];
        if (specs.empty()) regions_[i].push_back({"", {0, 0, sources[i]->info().width, sources[i]->info().height}, {}});
        for (const auto& spec : specs)
            regions_[i].push_back(
                {spec.name, classify::clipRegion(spec, sources[i]->info().width, sources[i]->info().height), {}});
    }
    setSmoothing(options.smoothing);
}

VideoPipeline::~VideoPipeline() = default;

void VideoPipeline::setSmoothing(float smoothing) {
    smoothers_.clear();
    smoothers_.resize(regions_.size());
    for (size_t i = 0; i < regions_.size(); ++i)
        for (size_t r = 0; r < regions_[i].size(); ++r)
            smoothers_[i].push_back(std::make_unique<classify::ProbabilitySmoother>(smoothing));
    options_.smoothing = smoothing;
}

std::vector<classify::PixelRect> VideoPipeline::rectsFor(int source, const AVFrame& frame) const {
    std::vector<classify::PixelRect> rects;
    for (const auto& spec : options_.regions[size_t(source)])
        rects.push_back(classify::clipRegion(spec, frame.width, frame.height));
    return rects;
}

runtime::Plan& VideoPipeline::planFor(const std::vector<Item>& items) {
    auto& plan = plans_[items];
    if (!plan) {
        model::Shape shape = model_.inputs().at(0).shape;
        shape[0] = int64_t(items.size());
        shape[2] = options_.preprocess.inputHeight;
        shape[3] = options_.preprocess.inputWidth;
        auto prologue = [this, items](ops::Recorder& r, const std::vector<ops::Tensor>& inputs) {
            for (size_t i = 0; i < items.size(); ++i)
                preprocessor_.record(r, items[i].first, inputs.at(0), int(i), items[i].second);
        };
        plan = std::make_unique<runtime::Plan>(context_, kernels_, model_.compile({shape}), prologue);
    }
    return *plan;
}

void VideoPipeline::submitTick(Tick& tick, int batch) {
    for (;;) {
        const int chunk = chunk_ > 0 ? std::min(chunk_, batch) : batch;
        try {
            tick.plans.clear();
            for (int first = 0; first < batch; first += chunk)
                tick.plans.push_back(&planFor(std::vector<Item>(tick.items.begin() + first,
                                                                tick.items.begin() + std::min(batch, first + chunk))));
            tick.chunk = chunk;
            break;
        } catch (const runtime::LimitError& e) {
            // The batch exceeds what the device binds at once: run it in sub-batches.
            chunk_ = static_cast<int>(runtime::smallerBatch(chunk, e));
            if (chunk_ == 0) throw;
        }
    }
    tick.submittedAt = std::chrono::steady_clock::now();
    for (auto* plan : tick.plans) plan->submit();
}

std::optional<Frame> VideoPipeline::nextFrame(FrameSource& source, std::chrono::milliseconds timeout) {
    const auto start = std::chrono::steady_clock::now();
    auto frame = source.next(timeout);
    if (source.info().paced)
        stats_.inputWaitSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return frame;
}

std::vector<Frame> VideoPipeline::gatherTick(const std::atomic<bool>& stop) {
    // Files first: each gives its next frames, up to framesPerFile to classify
    // (waiting for the decoder); then live sources give whatever is newest,
    // waiting briefly only if nothing came at all.
    std::vector<std::vector<Frame>> perSource(sources_.size());
    bool any = false;
    for (size_t i = 0; i < sources_.size(); ++i) {
        auto& source = sources_[i];
        if (source->info().live) continue;
        int toClassify = 0;
        while (!stop && !source->finished() && toClassify < std::max(1, options_.framesPerFile) &&
               int(perSource[i].size()) < kMaxFramesPerSourceTick) {
            if (auto f = nextFrame(*source, kFileWait)) {
                toClassify += f->index % options_.every == 0;
                perSource[i].push_back(std::move(*f));
                any = true;
            }
        }
    }
    for (size_t i = 0; i < sources_.size(); ++i) {
        auto& source = sources_[i];
        if (!source->info().live || source->finished()) continue;
        if (auto f = nextFrame(*source, any ? std::chrono::milliseconds(0) : kLiveWait)) {
            perSource[i].push_back(std::move(*f));
            any = true;
        }
    }
    // Round-robin over sources, so results come one frame of each source at a time.
    std::vector<Frame> frames;
    for (size_t k = 0; any; ++k) {
        any = false;
        for (auto& list : perSource)
            if (k < list.size()) {
                frames.push_back(std::move(list[k]));
                any = true;
            }
    }
    return frames;
}

void VideoPipeline::collect(Tick& tick, const std::function<void(const FrameEvent&)>& onFrame) {
    std::vector<std::vector<model::HostTensor>> outputs;  // per sub-batch
    if (!tick.plans.empty()) {
        for (auto* plan : tick.plans) {
            plan->wait();
            outputs.push_back(plan->readOutputs());
        }
        ++stats_.batches;
        stats_.batchSeconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - tick.submittedAt).count();
        // The steady rate is counted from the first results on: before them
        // lie start-up costs (decoders opening, kernels compiling).
        stats_.lastResultAt = std::chrono::steady_clock::now();
        if (stats_.classified == 0) {
            stats_.firstResultAt = stats_.lastResultAt;
            stats_.classifiedBeforeSteady =
                int64_t(std::count_if(tick.firstItem.begin(), tick.firstItem.end(), [](int b) { return b >= 0; }));
        }
    }
    for (size_t i = 0; i < tick.frames.size(); ++i) {
        const Frame& frame = tick.frames[i];
        const int first = tick.firstItem[i];
        auto& regions = regions_[size_t(frame.source)];
        double latency = 0.0;
        if (first >= 0) {
            const auto rects = rectsFor(frame.source, *frame.image);
            for (size_t r = 0; r < regions.size(); ++r) {
                const int b = first + int(r);
                const auto& logits = outputs.at(size_t(b / tick.chunk)).at(0);
                const int classes = int(logits.data.size() / std::max<size_t>(1, size_t(logits.shape.at(0))));
                const float* row = logits.data.data() + size_t(b % tick.chunk) * classes;
                if (!checkedOutputs_) {
                    outputsAreProbabilities_ = classify::looksLikeProbabilities(row, classes);
                    checkedOutputs_ = true;
                }
                auto probs =
                    outputsAreProbabilities_ ? std::vector<float>(row, row + classes) : classify::softmax(row, classes);
                regions[r].probs = smoothers_[size_t(frame.source)][r]->update(probs);
                regions[r].rect =
                    rects.empty() ? classify::PixelRect{0, 0, frame.image->width, frame.image->height} : rects[r];
            }
            latency = millisecondsSince(frame.decodedAt);
            classify::appendToWindow(stats_.latenciesMs, latency, PipelineStats::kLatencyWindow);
            ++stats_.classified;
            ++stats_.classifiedPerSource[frame.source];
        }
        ++stats_.delivered;
        const auto& probs = regions.front().probs;
        onFrame(FrameEvent{frame, first >= 0, probs.empty() ? nullptr : &probs, latency, tick.upload[i], &regions});
    }
}

void VideoPipeline::run(const std::function<void(const FrameEvent&)>& onFrame, const std::atomic<bool>& stop) {
    const auto started = std::chrono::steady_clock::now();
    stats_.startedAt = started;
    stats_.seconds = 0.0;
    for (auto& source : sources_) source->start(context_.traits().hostCores);
    std::deque<Tick> inFlight;
    auto drain = [&] {
        while (!inFlight.empty()) {
            collect(inFlight.front(), onFrame);
            inFlight.pop_front();
        }
    };
    int64_t tickCount = 0;
    while (!stop) {
        Tick tick;
        tick.frames = gatherTick(stop);
        if (tick.frames.empty()) {
            if (std::all_of(sources_.begin(), sources_.end(), [](const auto& s) { return s->finished(); })) break;
            continue;
        }
        // Slots rotate with ticks, so the tick that last used this slot is the
        // oldest in flight: collect it before its buffers are reused.
        tick.slot = int(tickCount++ % options_.inFlight);
        // Each classified frame is uploaded once; each of its regions is a batch item.
        int uploads = 0;
        for (const Frame& f : tick.frames) {
            const bool classify = f.index % options_.every == 0;
            tick.firstItem.push_back(classify ? int(tick.items.size()) : -1);
            tick.upload.push_back(classify ? tick.slot * maxFrames_ + uploads++ : -1);
            if (classify)
                for (size_t r = 0; r < regions_[size_t(f.source)].size(); ++r)
                    tick.items.push_back({tick.upload.back(), int(r)});
        }
        const int batch = int(tick.items.size());
        if (int(inFlight.size()) >= options_.inFlight) {
            collect(inFlight.front(), onFrame);
            inFlight.pop_front();
        }
        if (batch > 0) {
            for (size_t i = 0; i < tick.frames.size(); ++i)
                if (tick.upload[i] >= 0)
                    preprocessor_.upload(*tick.frames[i].image, tick.upload[i],
                                         rectsFor(tick.frames[i].source, *tick.frames[i].image));
            if (preprocessor_.needsRerecord()) {
                // A new frame size grew the upload buffers: every recorded plan is stale.
                drain();
                plans_.clear();
            }
            submitTick(tick, batch);
        }
        inFlight.push_back(std::move(tick));
    }
    drain();
    for (auto& source : sources_) source->stop();
    stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

classify::RunSummary VideoPipeline::summary(size_t recent) const {
    classify::RunSummary summary;
    for (const auto& s : sources_) {
        const auto st = s->stats();
        summary.decoded += st.decoded;
        summary.dropped += st.dropped;
        summary.damaged += st.damaged;
        summary.reconnects += st.reconnects;
        summary.sources.push_back({s->info().spec, st.decoded, stats_.classifiedPerSource.at(summary.sources.size()),
                                   st.dropped, st.damaged, st.reconnects});
    }
    summary.batches = stats_.batches;
    summary.batchSeconds = stats_.batchSeconds;
    summary.classified = stats_.classified;
    summary.seconds = stats_.seconds > 0 || stats_.startedAt == std::chrono::steady_clock::time_point{}
                          ? stats_.seconds
                          : std::chrono::duration<double>(std::chrono::steady_clock::now() - stats_.startedAt).count();
    const double steadySeconds = std::chrono::duration<double>(stats_.lastResultAt - stats_.firstResultAt).count();
    const int64_t steadyFrames = stats_.classified - stats_.classifiedBeforeSteady;
    summary.fps = steadyFrames > 0 && steadySeconds > 0 ? steadyFrames / steadySeconds
                  : summary.seconds > 0                 ? summary.classified / summary.seconds
                                                        : 0.0;
    const auto& all = stats_.latenciesMs;
    const std::vector<double> latencies(all.end() - std::min(all.size(), recent > 0 ? recent : all.size()), all.end());
    summary.latencyP50Ms = classify::percentile(latencies, 50);
    summary.latencyP95Ms = classify::percentile(latencies, 95);
    return summary;
}

}  // namespace resvk::video
