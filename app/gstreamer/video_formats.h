#pragma once
// Which GStreamer raw video formats resvkclassify takes, and how a mapped
// GstVideoFrame is described to the GPU preprocessor: exactly the 8-bit layouts
// the preprocessing kernel reads in place (video/picture.h), so no frame is
// converted on the CPU; anything else is videoconvert's job upstream.
#include <gst/video/video.h>

#include <optional>
#include <string>

#include "video/picture.h"

namespace resvk::gst {

// "video/x-raw, format=(string){ I420, YV12, ... }, width=..., height=..., framerate=..."
std::string sinkCapsString();
// "I420, YV12, NV12, ..." for messages.
std::string formatNames();
std::optional<video::PixelLayout> layoutOf(GstVideoFormat format);
// The planes of a mapped frame (valid while it stays mapped) with its colorimetry.
video::PictureView pictureOf(const GstVideoFrame& frame, video::PixelLayout layout);

}  // namespace resvk::gst
