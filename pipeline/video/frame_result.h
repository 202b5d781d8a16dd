#pragma once
// A video::FrameEvent as the record every front-end reports (the CLI's --json
// line, a Python result, a GStreamer element's metadata): the source as the
// user named it, frame number, time stamps, latency and the named top-k.
#include <string>
#include <vector>

#include "classify/result_sink.h"
#include "video/video_pipeline.h"

namespace resvk::video {

// The top `top` of the source's latest (smoothed) probabilities, with names
// (classify::labelFor rules); empty before the source's first result.
std::vector<classify::RankedLabel> rankedTop(const FrameEvent& event, int top, const std::vector<std::string>& labels);

// The record of a frame: `source` as the user named it, the frame's number and
// time stamp, when the result was ready (now, unix seconds) and its latency.
classify::FrameResult frameResult(const FrameEvent& event, const std::string& source,
                                  std::vector<classify::RankedLabel> top);

// One record per region of the frame's source (one, region "", without --roi),
// each with its region's top `top`: what classify prints and publishers send.
std::vector<classify::FrameResult> frameResults(const FrameEvent& event, const std::string& source, int top,
                                               const std::vector<std::string>& labels);

}  // namespace resvk::video
