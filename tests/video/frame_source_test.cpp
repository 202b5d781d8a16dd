// FrameSource against real files (shared media), clips encoded here with the
// ffmpeg CLI, generated (lavfi) sources, live UDP and HTTP streams served by the
// test itself, and broken inputs.
#include "video/frame_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "support/process.h"
#include "support/test_paths.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

using namespace resvk::video;
using resvk::test::capture;
using resvk::test::ChildProcess;
using resvk::test::freeLocalPort;
using resvk::test::hasFfmpegEncoder;
using resvk::test::quote;
using resvk::test::sharedPath;
using resvk::test::tempDir;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

int64_t ffprobeFrameCount(const std::string& path) {
    std::string out = capture(
        "ffprobe -v error -select_streams v:0 -count_frames -show_entries stream=nb_read_frames "
        "-of csv=p=0 " +
        quote(path) + " 2>/dev/null");
    return out.empty() ? -1 : std::stoll(out);
}

// A background process: output discarded, SIGTERM (then SIGKILL after 2 s) when the guard goes out of scope.
struct Child : ChildProcess {
    explicit Child(std::vector<std::string> args) : ChildProcess(std::move(args), ChildProcess::Stop::Terminate) {}
};

bool waitForTcp(int port, std::chrono::milliseconds limit) {
    auto end = Clock::now() + limit;
    while (Clock::now() < end) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port));
        bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        close(fd);
        if (ok) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

struct Drained {
    int64_t frames = 0;
    bool inOrder = true;  // indices 0,1,2,... and pts strictly increasing
    double lastPts = -1;
    std::string pixelFormat;  // of the frames themselves
};

Drained drain(FrameSource& source, std::chrono::seconds limit = 20s) {
    Drained d;
    source.start();
    auto end = Clock::now() + limit;
    while (!source.finished() && Clock::now() < end) {
        auto frame = source.next(2000ms);
        if (!frame) continue;
        REQUIRE(frame->image);
        if (frame->index != d.frames || frame->pts <= d.lastPts) d.inOrder = false;
        if (d.pixelFormat.empty()) {
            const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame->image->format));
            d.pixelFormat = name ? name : "?";
        }
        d.lastPts = frame->pts;
        ++d.frames;
    }
    CHECK(source.finished());
    return d;
}

// One SourceError expected; returns its message and checks it came quickly.
std::string openError(const std::string& spec, SourceOptions options = {}, double maxSeconds = 3.0) {
    auto begin = Clock::now();
    std::string message;
    try {
        FrameSource source(0, spec, options);
    } catch (const SourceError& e) {
        message = e.what();
    }
    double took = std::chrono::duration<double>(Clock::now() - begin).count();
    INFO(spec << " -> '" << message << "' after " << took << " s");
    CHECK(took < maxSeconds);
    CHECK(!message.empty());
    CHECK(message.find('\n') == std::string::npos);
    CHECK(message.find(spec) != std::string::npos);
    return message;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Clips encoded once per test run, 1 s at 25 fps.
const std::string& clipDir() {
    static const std::string dir = tempDir();
    return dir;
}

std::string makeClip(const std::string& name, const std::string& codecArgs, const std::string& size = "160x120") {
    std::string path = clipDir() + "/" + name;
    if (!std::filesystem::exists(path)) {
        std::string cmd = "ffmpeg -v error -nostdin -y -f lavfi -i testsrc2=size=" + size + ":rate=25 -t 1 " +
                          codecArgs + " '" + path + "' >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) return "";
    }
    return path;
}

}  // namespace

TEST_CASE("shared media files deliver every frame in order", "[video][source]") {
    struct Case {
        const char* file;
        const char* codec;
        int width, height;
        double fps;
    };
    for (const Case& c :
         {Case{"vtest.avi", "msmpeg4v3", 768, 576, 10.0}, Case{"Megamind.avi", "mpeg4", 720, 528, 23.976},
          Case{"tree.avi", "cinepak", 320, 240, 15.0}}) {
        std::string path = sharedPath(std::string("media/") + c.file);
        INFO(c.file);
        FrameSource source(3, path, {});
        const SourceInfo& info = source.info();
        CHECK(info.kind == SourceKind::File);
        CHECK_FALSE(info.live);
        CHECK(info.codec == c.codec);
        CHECK(info.width == c.width);
        CHECK(info.height == c.height);
        CHECK(info.fps == Approx(c.fps).epsilon(0.01));
        CHECK(info.durationSeconds > 0);
        CHECK(info.frameCountEstimate > 0);
        int64_t expected = ffprobeFrameCount(path);
        REQUIRE(expected > 0);
        Drained d = drain(source);
        CHECK(d.frames == expected);
        CHECK(d.inOrder);
        CHECK(d.pixelFormat == info.pixelFormat);
        CHECK(source.endError().empty());
        SourceStats s = source.stats();
        CHECK(s.decoded == expected);
        CHECK(s.delivered == expected);
        CHECK(s.dropped == 0);
        // tree.avi's index lists 444 frames but only 68 carry pictures (variable frame rate).
        WARN(c.file << ": " << info.codec << " " << info.pixelFormat << " " << info.width << "x" << info.height
                    << " fps " << info.fps << ", estimate " << info.frameCountEstimate << ", decoded " << d.frames
                    << ", damaged " << s.damaged);
    }
}

namespace {

// The nice values of this process's threads (/proc/self/task/*/stat, field 19).
std::vector<int> threadNiceValues() {
    std::vector<int> nice;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream in(task.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
        std::string field;
        for (int i = 3; i <= 19 && fields >> field; ++i)
            if (i == 19) nice.push_back(std::stoi(field));
    }
    return nice;
}

}  // namespace

TEST_CASE("a source that shares the cores with inference decodes on one thread at the lowest priority",
          "[video][source]") {
    const std::string path = sharedPath("media/Megamind.avi");  // mpeg4: frame threads where FFmpeg may
    const auto lowest = [] {
        const auto nice = threadNiceValues();
        return std::count(nice.begin(), nice.end(), 19);
    };
    const auto before = lowest();
    FrameSource alone(0, path, {});
    alone.start();
    REQUIRE(alone.next(5s));
    CHECK_FALSE(alone.stats().lowPriority);
    CHECK(alone.stats().decoderThreads >= 1);
    CHECK(lowest() == before);
    WARN("FFmpeg's own choice here: " << alone.stats().decoderThreads << " decoder thread(s)");

    FrameSource shared(1, path, {});
    shared.start(true);
    auto frame = shared.next(5s);
    REQUIRE(frame);
    CHECK(shared.stats().decoderThreads == 1);
    CHECK(shared.stats().lowPriority);
    CHECK(lowest() == before + 1);  // the decode thread, and only it
    // And it still decodes every frame, in order.
    int64_t frames = 1, lastIndex = frame->index;
    bool inOrder = lastIndex == 0;
    const auto end = Clock::now() + 20s;
    while (!shared.finished() && Clock::now() < end)
        if (auto f = shared.next(2000ms)) {
            inOrder = inOrder && f->index == lastIndex + 1;
            lastIndex = f->index;
            ++frames;
        }
    CHECK(inOrder);
    CHECK(frames == ffprobeFrameCount(path));
    CHECK(shared.endError().empty());
}

TEST_CASE("modern codecs and pixel formats decode natively", "[video][source]") {
    struct Case {
        const char* name;
        const char* encoder;
        const char* args;
        const char* codec;
        const char* pixelFormat;
    };
    const Case cases[] = {
        {"h264.mp4", "libx264", "-c:v libx264 -preset veryfast -pix_fmt yuv420p", "h264", "yuv420p"},
        {"hevc.mkv", "libx265", "-c:v libx265 -preset ultrafast -x265-params log-level=none -pix_fmt yuv420p", "hevc",
         "yuv420p"},
        {"vp9.webm", "libvpx-vp9", "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -pix_fmt yuv420p", "vp9", "yuv420p"},
        {"av1-aom.mkv", "libaom-av1", "-c:v libaom-av1 -cpu-used 8 -row-mt 1 -pix_fmt yuv420p", "av1", "yuv420p"},
        {"av1-svt.mkv", "libsvtav1", "-c:v libsvtav1 -preset 12 -pix_fmt yuv420p", "av1", "yuv420p"},
        {"h264-422.mkv", "libx264", "-c:v libx264 -preset ultrafast -pix_fmt yuv422p", "h264", "yuv422p"},
        {"h264-444.mkv", "libx264", "-c:v libx264 -preset ultrafast -pix_fmt yuv444p", "h264", "yuv444p"},
        {"ffv1-444.mkv", "ffv1", "-c:v ffv1 -pix_fmt yuv444p", "ffv1", "yuv444p"},
        {"qtrle.mov", "qtrle", "-c:v qtrle -pix_fmt rgb24", "qtrle", "rgb24"},
        {"png.mkv", "png", "-c:v png -pix_fmt rgb24", "png", "rgb24"},
        {"nv12.nut", "rawvideo", "-c:v rawvideo -pix_fmt nv12", "rawvideo", "nv12"},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        if (!hasFfmpegEncoder(c.encoder)) {
            WARN("ffmpeg has no " << c.encoder << " encoder: skipping " << c.name);
            continue;
        }
        std::string path = makeClip(c.name, c.args);
        REQUIRE_FALSE(path.empty());
        FrameSource source(1, path, {});
        CHECK(source.info().codec == c.codec);
        CHECK(source.info().pixelFormat == c.pixelFormat);
        CHECK(source.info().width == 160);
        CHECK(source.info().height == 120);
        CHECK(source.info().fps == Approx(25.0));
        Drained d = drain(source);
        CHECK(d.frames == 25);
        CHECK(d.inOrder);
        CHECK(d.pixelFormat == c.pixelFormat);
        CHECK(source.stats().damaged == 0);
    }
}

TEST_CASE("generated lavfi source delivers frames, realtime paces them, stop is prompt", "[video][source]") {
    SECTION("as fast as possible, with backpressure") {
        FrameSource source(2, "lavfi:testsrc2=size=320x240:rate=30", {});
        CHECK(source.info().kind == SourceKind::Generated);
        CHECK_FALSE(source.info().live);
        CHECK(source.info().width == 320);
        CHECK(source.info().height == 240);
        CHECK(source.info().fps == Approx(30.0));
        source.start();
        for (int i = 0; i < 40; ++i) {
            auto frame = source.next(2000ms);
            REQUIRE(frame);
            CHECK(frame->index == i);
            CHECK(frame->source == 2);
            CHECK(frame->pts == Approx(i / 30.0).margin(1e-6));
        }
        std::this_thread::sleep_for(100ms);  // the decode thread fills the queue and then waits
        CHECK(source.stats().decoded <= 40 + 4 + 1);
        auto begin = Clock::now();
        source.stop();
        CHECK(std::chrono::duration<double>(Clock::now() - begin).count() < 0.2);
    }
    SECTION("realtime") {
        SourceOptions options;
        options.realtime = true;
        auto begin = Clock::now();
        {
            FrameSource source(0, "lavfi:testsrc2=size=320x240:rate=30", options);
            source.start();
            for (int i = 0; i < 16; ++i) REQUIRE(source.next(2000ms));
            double took = std::chrono::duration<double>(Clock::now() - begin).count();
            CHECK(took > 0.45);  // 15 frame intervals at 30 fps
            CHECK(took < 1.5);
        }
    }
    SECTION("limited duration ends") {
        FrameSource source(0, "lavfi:testsrc2=size=160x120:rate=25:duration=2", {});
        Drained d = drain(source);
        CHECK(d.frames == 50);
        CHECK(d.inOrder);
        CHECK(source.endError().empty());
    }
    SECTION("destructor while the decoder is blocked on a full queue") {
        auto begin = Clock::now();
        {
            FrameSource source(0, "lavfi:testsrc2=size=1280x720:rate=30", {});
            source.start();
            REQUIRE(source.next(2000ms));
            std::this_thread::sleep_for(200ms);
        }
        CHECK(std::chrono::duration<double>(Clock::now() - begin).count() < 1.5);
    }
}

TEST_CASE("UDP live stream: newest frame wins, slow consumer drops, stream loss is reported", "[video][source][net]") {
    int port = freeLocalPort(SOCK_DGRAM);
    std::string url = "udp://127.0.0.1:" + std::to_string(port);
    Child sender({"ffmpeg", "-v", "error", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                  "-t", "4", "-c:v", "mpeg2video", "-g", "5", "-f", "mpegts", url + "?pkt_size=1316"});
    SourceOptions options;
    options.timeoutSeconds = 2.0;
    FrameSource source(5, url, options);
    CHECK(source.info().kind == SourceKind::Network);
    CHECK(source.info().live);
    CHECK(source.info().codec == "mpeg2video");
    CHECK(source.info().width == 320);
    source.start();

    int received = 0;
    double worstAge = 0;
    double lastPts = -1;
    bool increasing = true;
    auto end = Clock::now() + 2s;
    while (Clock::now() < end) {
        auto frame = source.next(1000ms);
        if (!frame) continue;
        ++received;
        worstAge = std::max(worstAge, std::chrono::duration<double>(Clock::now() - frame->decodedAt).count());
        if (frame->pts <= lastPts) increasing = false;
        lastPts = frame->pts;
        std::this_thread::sleep_for(150ms);  // a slow consumer (~6 fps against 25)
    }
    SourceStats s = source.stats();
    WARN("udp: received " << received << ", decoded " << s.decoded << ", dropped " << s.dropped << ", damaged "
                          << s.damaged << ", worst age " << worstAge << " s");
    CHECK(received >= 5);
    CHECK(s.dropped > 0);
    CHECK(worstAge < 0.5);  // the newest frame, not one from a backlog (a 4-frame backlog alone is 0.16 s)
    CHECK(increasing);

    // The sender stops after 4 s: with no data for 2 s the stream ends with an error.
    auto limit = Clock::now() + 8s;
    while (!source.finished() && Clock::now() < limit) source.next(500ms);
    CHECK(source.finished());
    INFO(source.endError());
    CHECK(contains(source.endError(), url));
    CHECK(contains(source.endError(), "no data for 2 s"));
}

TEST_CASE("stop() interrupts a blocked network read", "[video][source][net]") {
    int port = freeLocalPort(SOCK_DGRAM);
    std::string url = "udp://127.0.0.1:" + std::to_string(port);
    SourceOptions options;
    options.timeoutSeconds = 30.0;
    std::optional<FrameSource> source;
    {
        Child sender({"ffmpeg", "-v", "error", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25",
                      "-t", "1.5", "-c:v", "mpeg2video", "-f", "mpegts", url + "?pkt_size=1316"});
        source.emplace(0, url, options);
        source->start();
        REQUIRE(source->next(2000ms));
    }  // sender gone: the decode thread now waits for data that never comes
    std::this_thread::sleep_for(300ms);
    auto begin = Clock::now();
    source.reset();
    CHECK(std::chrono::duration<double>(Clock::now() - begin).count() < 0.5);
}

TEST_CASE("HTTP source served by python's http.server", "[video][source][net]") {
    std::string clip = makeClip("h264.mp4", "-c:v libx264 -preset veryfast -pix_fmt yuv420p");
    REQUIRE_FALSE(clip.empty());
    std::string dir = tempDir();
    std::filesystem::copy_file(clip, dir + "/clip.mp4");
    int port = freeLocalPort(SOCK_STREAM);
    Child server({"python3", "-m", "http.server", std::to_string(port), "--bind", "127.0.0.1", "--directory", dir});
    REQUIRE(waitForTcp(port, 5000ms));
    std::string base = "http://127.0.0.1:" + std::to_string(port);

    SourceOptions options;
    options.timeoutSeconds = 3.0;
    FrameSource source(0, base + "/clip.mp4", options);
    CHECK(source.info().kind == SourceKind::Network);
    CHECK(source.info().codec == "h264");
    CHECK(source.info().frameCountEstimate == 25);
    source.start();
    int received = 0;
    auto end = Clock::now() + 5s;
    while (!source.finished() && Clock::now() < end)
        if (source.next(1000ms)) ++received;
    CHECK(source.finished());
    CHECK(source.endError().empty());
    CHECK(source.stats().decoded == 25);
    CHECK(received >= 20);  // a finite remote file is paced to its clock, so a prompt consumer sees (nearly) all

    std::string message = openError(base + "/missing.mp4", options);
    CHECK(contains(message, "404"));
}

TEST_CASE("bad inputs fail with one clear line, quickly", "[video][source][errors]") {
    std::string dir = tempDir();
    SECTION("missing file") {
        CHECK(contains(openError(dir + "/nope.mp4"), "no such file"));
    }
    SECTION("text file") {
        std::ofstream(dir + "/notes.txt") << "this is not a video\n";
        std::ofstream(dir + "/notes.avi") << "this is not a video either\n";
        CHECK(contains(openError(dir + "/notes.txt"), "not a video"));
        CHECK(contains(openError(dir + "/notes.avi"), "not a video"));
    }
    SECTION("zero-length file") {
        std::ofstream(dir + "/empty.mp4").close();
        CHECK(contains(openError(dir + "/empty.mp4"), "empty file"));
    }
    SECTION("audio only") {
        std::string path = dir + "/tone.wav";
        REQUIRE(std::system(("ffmpeg -v error -nostdin -y -f lavfi -i sine=duration=0.2 '" + path + "'").c_str()) == 0);
        CHECK(contains(openError(path), "no video stream"));
    }
    SECTION("truncated clip opens and ends early without hanging") {
        std::string path = dir + "/trunc.avi";
        {
            std::ifstream in(sharedPath("media/vtest.avi"), std::ios::binary);
            std::vector<char> head(20 * 1024);
            in.read(head.data(), static_cast<std::streamsize>(head.size()));
            std::ofstream(path, std::ios::binary).write(head.data(), static_cast<std::streamsize>(head.size()));
        }
        try {
            FrameSource source(0, path, {});
            Drained d = drain(source, 5s);
            CHECK(d.frames < 795);
            WARN("truncated vtest.avi: " << d.frames << " frames, damaged " << source.stats().damaged << ", endError '"
                                         << source.endError() << "'");
        } catch (const SourceError& e) {
            CHECK(contains(e.what(), "truncated"));
        }
    }
    SECTION("absent webcam") {
        std::string message = openError("/dev/video9");
        CHECK(contains(message, "cannot open webcam /dev/video9"));
        CHECK(contains(message, "no such device"));
    }
    SECTION("closed ports and silent streams") {
        SourceOptions options;
        options.timeoutSeconds = 2.0;
        int tcp = freeLocalPort(SOCK_STREAM);
        std::string rtsp = openError("rtsp://127.0.0.1:9/x", options);
        CHECK(contains(rtsp, "cannot connect to rtsp://127.0.0.1:9/x"));
        CHECK((contains(rtsp, "connection refused") || contains(rtsp, "timed out after 2 s")));
        CHECK(contains(openError("http://127.0.0.1:" + std::to_string(tcp) + "/clip.mp4", options),
                       "connection refused"));
        CHECK(contains(openError("tcp://127.0.0.1:" + std::to_string(tcp), options), "connection refused"));
        CHECK(contains(openError("udp://127.0.0.1:" + std::to_string(freeLocalPort(SOCK_DGRAM)), options, 3.5),
                       "timed out after 2 s"));
    }
    SECTION("unknown input format") {
        SourceOptions options;
        options.inputFormat = "no-such-format";
        CHECK(contains(openError(sharedPath("media/tree.avi"), options), "unknown input format"));
    }
}

TEST_CASE("a corrupt file decodes to the end", "[video][source][errors]") {
    FrameSource source(0, sharedPath("media/Megamind_bugy.avi"), {});
    CHECK(source.info().codec == "mpeg4");
    Drained d = drain(source);
    SourceStats s = source.stats();
    WARN("Megamind_bugy.avi: " << d.frames << " frames, damaged " << s.damaged << ", endError '" << source.endError()
                               << "'");
    CHECK(d.frames > 200);
    CHECK(d.frames == s.delivered);
}
