#pragma once
// One video input (file, webcam, network stream or lavfi-generated) decoded on
// its own thread into a small queue of Frames in the decoder's native pixel
// format. Files and generated sources deliver every frame in order with
// backpressure; live sources (webcam, network) always hand out the newest
// frame and drop what the consumer could not keep up with.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "video/frame.h"

namespace resvk::video {

// One line naming the source, ready to show the user as is.
struct SourceError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class SourceKind { File, Webcam, Network, Generated };  // Generated = "lavfi:<filtergraph>"

struct SourceOptions {
    std::string inputFormat;       // like ffmpeg -f ("v4l2", "mpegts", ...); empty: auto (webcams: v4l2).
                                   // For a webcam, a non-device name ("mjpeg", "yuyv422") selects the
                                   // camera's stream format (v4l2 -input_format) instead.
    std::string videoSize;         // like -video_size "1280x720" (webcams)
    std::string framerate;         // like -framerate "30" (webcams)
    double timeoutSeconds = 10.0;  // open and read timeout for network/webcam sources
    bool realtime = false;         // pace files/generated sources to their timestamps (live sources always are)
    size_t queueDepth = 4;         // decoded frames buffered per source
    // Live sources (webcam, network stream without a known duration) that error
    // or end after they were opened are reopened on the decode thread, with
    // backoff (0.25 s doubling to 5 s between tries), for up to this many seconds
    // after the loss; then the source ends with the loss as its endError(). A
    // stream that comes back starts a fresh window. 0 = never reopen (the source
    // ends at the first loss). Files, generated sources and finite remote files
    // (http://.../clip.mp4) are never reopened. The CLI's default is 60.
    double reconnectSeconds = 0.0;
};

struct SourceInfo {
    std::string spec;  // as given
    SourceKind kind = SourceKind::File;
    bool live = false;  // Webcam or Network: newest frame wins, older ones are dropped
    // Frames come at their own rate (live, or --realtime): waiting for one is idle
    // time, not a busy decoder.
    bool paced = false;
    int width = 0, height = 0;
    double fps = 0.0;                 // average frame rate if known, else 0
    AVRational frameRate{0, 1};       // the same as a fraction (0/1 unknown)
    AVRational timeBase{1, 1};        // of the AVFrame pts the source delivers
    int64_t frameCountEstimate = -1;  // -1 unknown (container's count, or duration x fps)
    double durationSeconds = 0.0;     // 0 unknown
    std::string codec;                // e.g. "h264"
    std::string pixelFormat;          // av_get_pix_fmt_name
};

struct SourceStats {
    int64_t decoded = 0, delivered = 0, dropped = 0, damaged = 0;
    int64_t reconnects = 0;  // times a lost live stream was reopened successfully
    int decoderThreads = 0;  // what the decoder runs with (FFmpeg's choice, or 1: see start())
    bool lowPriority = false;  // the decode thread runs at nice 19 (see start())
};

const char* toString(SourceKind kind);

class FrameSource {
public:
    // Opens and probes synchronously so errors surface before any work; throws
    // SourceError with one clear line naming the source.
    FrameSource(int id, const std::string& spec, const SourceOptions& options);
    ~FrameSource();  // stops and joins the decode thread
    FrameSource(const FrameSource&) = delete;
    FrameSource& operator=(const FrameSource&) = delete;

    const SourceInfo& info() const;
    // Starts the decode thread (once). inferenceOnTheseCores: the network runs
    // on the host's CPU cores (a CPU Vulkan driver such as lavapipe); then the
    // decoder runs single-threaded at the lowest priority, so that it decodes
    // in the network's gaps instead of preempting the driver's workers.
    void start(bool inferenceOnTheseCores = false);

    // File/Generated: every frame in order, waiting up to `wait`. Live: the
    // newest decoded frame; older ones are dropped and counted. nullopt on
    // timeout or at the end.
    std::optional<Frame> next(std::chrono::milliseconds wait);
    bool finished() const;         // stream ended (EOF, error or stop) and nothing left to deliver
    std::string endError() const;  // non-empty if the stream ended with an error mid-way
    SourceStats stats() const;
    void stop();  // thread-safe and prompt; also aborts blocking network reads

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace resvk::video
