#pragma once
// Writes the classified video back out with the labels drawn on it.
//
// Each frame goes, in its native pixel format, through a libavfilter graph
//     buffer -> scale (only when the frame size differs from the output size)
//            -> drawtext (white text on a semi-transparent dark box, top-left)
//            -> per region of interest: drawbox (its outline) -> drawtext (its label)
//            -> buffersink (yuv420p)
// and is encoded with libx264 (H.264, CRF 20) where the FFmpeg build has it, else
// FFmpeg's MPEG-4 part 2 encoder. The container follows the output extension
// (.mp4 .mkv .avi .mov, or anything else FFmpeg can mux). Audio from `audioFrom`
// is stream-copied (no re-encode), interleaved with the video as frames arrive.
//
// The file is written as "<dir>/.<stem>.partial-XXXXXX<ext>" and renamed onto the
// final path by finish(), so a file at the final path is always complete. A writer
// destroyed without finish() (an exception, Ctrl-C handled by unwinding) deletes
// its partial file.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/rational.h>
}

namespace resvk::video {

// The message is one line, naming the file, ready to show to the user.
struct WriterError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A region of interest drawn on the frame: its outline and, inside its top-left
// corner, its label lines. In the pixels of the frames passed to write().
struct Box {
    int x = 0, y = 0, w = 0, h = 0;
    std::vector<std::string> lines;  // empty: the outline only
};

struct WriterOptions {
    std::string path;            // final output path; its extension picks the container
    std::string audioFrom;       // file whose audio streams are copied; empty = no audio
    int width = 0, height = 0;   // output size (the input's); frames of another size are scaled
    AVRational frameRate{0, 1};  // nominal frame rate (e.g. the stream's avg_frame_rate)
    AVRational timeBase{0, 1};   // time base of the pts of the frames passed to write()
};

class AnnotatedWriter {
public:
    // Creates the partial file, opens the encoder and writes the header. Throws
    // WriterError (e.g. the folder does not exist or is not writable, unknown
    // extension, bad size/rate). An `audioFrom` that cannot be opened or has no
    // audio stream gives a warning on stderr and a silent video, not an error.
    explicit AnnotatedWriter(const WriterOptions& options);
    ~AnnotatedWriter();

    AnnotatedWriter(const AnnotatedWriter&) = delete;
    AnnotatedWriter& operator=(const AnnotatedWriter&) = delete;

    // Draws `lines` (one per text row, e.g. "fox squirrel 87.3%"; UTF-8; no escaping
    // needed; empty = no overlay) onto a copy of `frame` and encodes it. `frame` is
    // a software frame in any pixel format (a hardware frame is downloaded first);
    // its pts is in options.timeBase (a missing or non-increasing pts is replaced
    // by previous + one frame). Throws WriterError on encoder/muxer failure.
    void write(const AVFrame& frame, const std::vector<std::string>& lines);
    // The same, with each region's box and label drawn too.
    void write(const AVFrame& frame, const std::vector<std::string>& lines, const std::vector<Box>& boxes);

    // Flushes the encoder, copies the audio up to the end of the last video frame,
    // writes the trailer and renames the partial file to options.path (replacing
    // an existing file). Throws WriterError; the partial file is then removed by
    // the destructor. Calling it twice is an error.
    void finish();

    int64_t framesWritten() const;       // frames passed to write()
    const char* videoCodecName() const;  // "libx264" or "mpeg4"
    bool hasAudio() const;               // an audio stream is being copied

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace resvk::video
