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

}  // namespace resvk::video
