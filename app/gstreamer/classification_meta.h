#pragma once
// How resvkclassify reports a classified frame: on the buffer, a full-frame
// GstVideoRegionOfInterestMeta whose params hold a GstStructure named
// "classification" (DL Streamer's way of attaching classifications in GStreamer
// 1.22, which has no analytics meta yet); on the bus, an element message with
// the same structure plus the frame's number and time stamps.
//
//   classification, label=(string)cat, index=(int)3, confidence=(double)0.98,
//       model=(string)resnet20_cifar10, top-k=(structure)< class, label=cat, index=3,
//       confidence=0.98 ; class, label=dog, ... >
//
// The message (GST_MESSAGE_ELEMENT from the element) adds
//   frame=(guint64) N (0-based count of buffers since the element started),
//   timestamp / stream-time / running-time=(guint64) in ns (GST_CLOCK_TIME_NONE if unknown).
#include <gst/gst.h>
#include <gst/video/video.h>

#include <string>
#include <vector>

#include "classify/result_sink.h"

namespace resvk::gst {

constexpr const char* kClassificationName = "classification";

// A new "classification" structure (the caller owns it); `top` best first, not empty.
GstStructure* classificationStructure(const std::vector<classify::RankedLabel>& top, const std::string& model);
// Adds the full-frame region of interest (roi_type = the best label) carrying the structure.
void attachClassification(GstBuffer* buffer, const GstVideoInfo& info, const std::vector<classify::RankedLabel>& top,
                          const std::string& model);
// The element message for that frame.
GstMessage* classificationMessage(GstObject* element, const std::vector<classify::RankedLabel>& top,
                                  const std::string& model, guint64 frame, GstClockTime timestamp,
                                  GstClockTime streamTime, GstClockTime runningTime);

}  // namespace resvk::gst
