#include "video/frame_result.h"

#include <chrono>

#include "classify/topk.h"

namespace resvk::video {

std::vector<classify::RankedLabel> rankedTop(const FrameEvent& event, int top, const std::vector<std::string>& labels) {
    if (!event.probs) return {};
    return classify::rankLabels(classify::topK(*event.probs, top), labels);
}

classify::FrameResult frameResult(const FrameEvent& event, const std::string& source,
                                  std::vector<classify::RankedLabel> top) {
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return {source, event.frame.index, event.frame.pts, now, event.latencyMs, std::move(top)};
}

std::vector<classify::FrameResult> frameResults(const FrameEvent& event, const std::string& source, int top,
                                               const std::vector<std::string>& labels) {
    std::vector<classify::FrameResult> results;
    if (!event.regions) {
        results.push_back(frameResult(event, source, rankedTop(event, top, labels)));
        return results;
    }
    for (const RegionState& region : *event.regions) {
        std::vector<classify::RankedLabel> ranked;
        if (!region.probs.empty()) ranked = classify::rankLabels(classify::topK(region.probs, top), labels);
        results.push_back(frameResult(event, source, std::move(ranked)));
        results.back().region = region.name;
    }
    return results;
}

}  // namespace resvk::video
