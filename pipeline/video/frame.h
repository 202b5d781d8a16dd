#pragma once
// A decoded video frame as it travels from a FrameSource to the GPU: the
// picture stays in the decoder's own pixel format (YUV420P, NV12, ...); colour
// conversion happens on the GPU (see preprocess_gpu.h).
#include <chrono>
#include <cstdint>
#include <memory>

extern "C" {
#include <libavutil/frame.h>
}

namespace resvk::video {

struct AVFrameDeleter {
    void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
using FramePtr = std::unique_ptr<AVFrame, AVFrameDeleter>;

struct Frame {
    FramePtr image;     // never null for a delivered frame
    int source = 0;     // index of the source (command-line order)
    int64_t index = 0;  // 0-based frame number within its source
    double pts = 0.0;   // presentation time in seconds since the stream's start
    std::chrono::steady_clock::time_point decodedAt{};
    bool damaged = false;  // the decoder reported corruption in this frame
};

}  // namespace resvk::video
