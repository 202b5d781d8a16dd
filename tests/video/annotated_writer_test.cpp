// AnnotatedWriter on real clips: decode with FFmpeg, write with labels, then check
// the result with the ffprobe CLI and by decoding it again.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

#include "support/test_paths.h"
#include "video/annotated_writer.h"
#include "video/frame.h"

namespace fs = std::filesystem;
using resvk::video::AnnotatedWriter;
using resvk::video::FramePtr;
using resvk::video::WriterError;
using resvk::video::WriterOptions;

namespace {

struct Clip {
    std::vector<FramePtr> frames;
    int width = 0, height = 0;
    AVRational timeBase{0, 1}, frameRate{0, 1};
};

// The first `maxFrames` frames of the first video stream (all when maxFrames < 0).
Clip decodeClip(const std::string& path, int maxFrames) {
    Clip clip;
    AVFormatContext* fmt = nullptr;
    REQUIRE(avformat_open_input(&fmt, path.c_str(), nullptr, nullptr) == 0);
    std::unique_ptr<AVFormatContext*, void (*)(AVFormatContext**)> closeFmt(&fmt, avformat_close_input);
    REQUIRE(avformat_find_stream_info(fmt, nullptr) >= 0);
    const AVCodec* codec = nullptr;
    const int vi = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    REQUIRE(vi >= 0);
    AVCodecContext* dec = avcodec_alloc_context3(codec);
    std::unique_ptr<AVCodecContext*, void (*)(AVCodecContext**)> freeDec(&dec, avcodec_free_context);
    REQUIRE(avcodec_parameters_to_context(dec, fmt->streams[vi]->codecpar) >= 0);
    REQUIRE(avcodec_open2(dec, codec, nullptr) == 0);
    clip.width = dec->width;
    clip.height = dec->height;
    clip.timeBase = fmt->streams[vi]->time_base;
    clip.frameRate = av_guess_frame_rate(fmt, fmt->streams[vi], nullptr);

    AVPacket* pkt = av_packet_alloc();
    auto receive = [&] {
        for (;;) {
            FramePtr f(av_frame_alloc());
            if (avcodec_receive_frame(dec, f.get()) < 0) return;
            f->pts = f->best_effort_timestamp;
            if (maxFrames < 0 || static_cast<int>(clip.frames.size()) < maxFrames) clip.frames.push_back(std::move(f));
        }
    };
    while ((maxFrames < 0 || static_cast<int>(clip.frames.size()) < maxFrames) && av_read_frame(fmt, pkt) >= 0) {
        if (pkt->stream_index == vi) {
            avcodec_send_packet(dec, pkt);
            receive();
        }
        av_packet_unref(pkt);
    }
    avcodec_send_packet(dec, nullptr);
    receive();
    av_packet_free(&pkt);
    return clip;
}

std::string run(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    REQUIRE(p);
    std::array<char, 512> buf;
    while (fgets(buf.data(), buf.size(), p)) out += buf.data();
    pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

// ffprobe's view of the first video stream: "codec,width,height,frames".
std::string probeVideo(const std::string& path) {
    return run(
        "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
        "stream=codec_name,width,height,nb_read_frames -of csv=p=0 '" +
        path + "'");
}
std::string probeAudioCodecs(const std::string& path) {
    return run("ffprobe -v error -select_streams a -show_entries stream=codec_name -of default=nw=1:nk=1 '" + path +
               "'");
}

// Mean absolute difference of the luma plane over [x0,x1) x [y0,y1).
double lumaDiff(const AVFrame& a, const AVFrame& b, int x0, int y0, int x1, int y1) {
    double sum = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
            sum += std::abs(int(a.data[0][y * a.linesize[0] + x]) - int(b.data[0][y * b.linesize[0] + x]));
    return sum / double((x1 - x0) * (y1 - y0));
}

WriterOptions optionsFor(const Clip& clip, const std::string& path, const std::string& audioFrom) {
    WriterOptions o;
    o.path = path;
    o.audioFrom = audioFrom;
    o.width = clip.width;
    o.height = clip.height;
    o.frameRate = clip.frameRate;
    o.timeBase = clip.timeBase;
    return o;
}

bool dirIsEmpty(const std::string& dir) {
    return fs::is_empty(dir);
}

}  // namespace

TEST_CASE("writer: Megamind with labels and copied AC-3 audio into .mp4", "[video_writer]") {
    const std::string input = resvk::test::sharedPath("media/Megamind.avi");
    const Clip clip = decodeClip(input, 48);
    REQUIRE(clip.frames.size() == 48);
    const std::string dir = resvk::test::tempDir();
    const std::string out = dir + "/out.mp4";

    std::string codec;
    {
        AnnotatedWriter writer(optionsFor(clip, out, input));
        codec = writer.videoCodecName();
        CHECK(writer.hasAudio());
        for (size_t i = 0; i < clip.frames.size(); ++i) {
            // Text that would break naive drawtext escaping: quotes, colons, %, backslash, braces.
            writer.write(*clip.frames[i], {"fox squirrel " + std::to_string(80 + i % 10) + ".3%",
                                           "it's a:b \\ c %{pts} {x}", "caf\xC3\xA9 frame " + std::to_string(i)});
        }
        CHECK(writer.framesWritten() == 48);
        CHECK_FALSE(fs::exists(out));  // only the partial file until finish()
        writer.finish();
    }
    REQUIRE(fs::exists(out));
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);  // no partial left

    const std::string expectCodec = codec == "libx264" ? "h264" : "mpeg4";
    CHECK(probeVideo(out) == expectCodec + ",720,528,48");
    CHECK(probeAudioCodecs(out) == "ac3");

    // Frame 10: the label box changed the top-left corner; the rest is the source.
    const Clip written = decodeClip(out, -1);
    REQUIRE(written.frames.size() == 48);
    const AVFrame& src = *clip.frames[10];
    const AVFrame& dst = *written.frames[10];
    REQUIRE(dst.format == AV_PIX_FMT_YUV420P);
    REQUIRE(src.format == AV_PIX_FMT_YUV420P);
    const double box = lumaDiff(src, dst, 12, 12, 140, 60);
    const double rest = lumaDiff(src, dst, 0, 200, 720, 528);
    INFO("box diff " << box << ", rest diff " << rest);
    CHECK(box > 15.0);
    CHECK(rest < 3.0);
}

TEST_CASE("writer: vtest (no audio) into .avi and .mkv; frames without labels stay clean", "[video_writer]") {
    const std::string input = resvk::test::sharedPath("media/vtest.avi");
    const Clip clip = decodeClip(input, 20);
    REQUIRE(clip.frames.size() == 20);
    const std::string dir = resvk::test::tempDir();
    for (const std::string name : {"out.avi", "out.mkv"}) {
        const std::string out = dir + "/" + name;
        {
            AnnotatedWriter writer(optionsFor(clip, out, input));  // audioFrom without audio: warning only
            CHECK_FALSE(writer.hasAudio());
            for (size_t i = 0; i < clip.frames.size(); ++i) {
                std::vector<std::string> lines;
                if (i >= 5) lines = {"person " + std::to_string(i), "street sign"};
                writer.write(*clip.frames[i], lines);
            }
            writer.finish();
        }
        CHECK(probeVideo(out).substr(probeVideo(out).find(',')) == ",768,576,20");
        CHECK(probeAudioCodecs(out).empty());
        const Clip written = decodeClip(out, -1);
        REQUIRE(written.frames.size() == 20);
        CHECK(lumaDiff(*clip.frames[2], *written.frames[2], 12, 12, 140, 60) < 4.0);  // no labels, no box
        CHECK(lumaDiff(*clip.frames[10], *written.frames[10], 12, 12, 140, 60) > 15.0);
    }
}

TEST_CASE("writer: an RGB clip (cinepak) into .mov, and frames of another size are scaled", "[video_writer]") {
    const std::string input = resvk::test::sharedPath("media/tree.avi");
    const Clip clip = decodeClip(input, 12);
    REQUIRE(clip.frames.size() == 12);
    REQUIRE(clip.frames[0]->format == AV_PIX_FMT_RGB24);
    const std::string dir = resvk::test::tempDir();
    const std::string out = dir + "/out.mov";
    WriterOptions options = optionsFor(clip, out, "");
    options.width = 352;  // as if the stream changed size: every frame is scaled to the output size
    options.height = 288;
    {
        AnnotatedWriter writer(options);
        for (const FramePtr& f : clip.frames) writer.write(*f, {"maple", "oak 3.1%"});
        writer.finish();
    }
    CHECK(probeVideo(out).substr(probeVideo(out).find(',')) == ",352,288,12");
}

TEST_CASE("writer: destroyed without finish() leaves no file", "[video_writer]") {
    const std::string input = resvk::test::sharedPath("media/Megamind.avi");
    const Clip clip = decodeClip(input, 5);
    const std::string dir = resvk::test::tempDir();
    {
        AnnotatedWriter writer(optionsFor(clip, dir + "/out.mp4", input));
        for (const FramePtr& f : clip.frames) writer.write(*f, {"label"});
        CHECK_FALSE(dirIsEmpty(dir));  // the partial file exists while writing
    }
    CHECK(dirIsEmpty(dir));
    {
        AnnotatedWriter writer(optionsFor(clip, dir + "/never.mkv", ""));  // no frames at all
    }
    CHECK(dirIsEmpty(dir));
}

TEST_CASE("writer: unwritable path and bad extension throw one-line WriterError", "[video_writer]") {
    const std::string input = resvk::test::sharedPath("media/vtest.avi");
    const Clip clip = decodeClip(input, 1);
    try {
        AnnotatedWriter writer(optionsFor(clip, "/nonexistent/dir/out.mp4", ""));
        FAIL("no exception");
    } catch (const WriterError& e) {
        const std::string msg = e.what();
        CHECK(msg.find("/nonexistent/dir/out.mp4") != std::string::npos);
        CHECK(msg.find("No such file or directory") != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
    }
    const std::string dir = resvk::test::tempDir();
    CHECK_THROWS_WITH(AnnotatedWriter(optionsFor(clip, dir + "/out.xyzzy", "")),
                      Catch::Contains("unknown container extension '.xyzzy'"));
    CHECK(dirIsEmpty(dir));
}
