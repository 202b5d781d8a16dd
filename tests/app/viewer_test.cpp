// End-to-end tests of `resvk view` on a private Xvfb server: the screenshot of
// the composed window (video letterboxed, overlay drawn over it, the top-1 that
// `classify --json` gives for the same frame), resize + minimise while running,
// two sources as a grid, and the one-line error without a display.
// `view --print-shown` reports what the screenshot shows (see `resvk view --help`).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include <libswscale/swscale.h>
}

#include "support/process.h"
#include "support/test_paths.h"
#include "video/frame_source.h"
#include "video/image_decoder.h"

using namespace resvk::test;

namespace {

// Runs resvk with `env` prefixed (e.g. "DISPLAY=:91" or "env -u DISPLAY").
Result run(const std::string& env, const std::vector<std::string>& args) {
    Result r = runResvk(args, env);
    INFO("command: " << r.command << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.code >= 0);
    CHECK(r.code < 128);  // a crash or a validation abort
    return r;
}

// A private X server for the test's lifetime, on a display number nobody uses.
class Xvfb {
public:
    Xvfb() {
        for (int n = 90 + getpid() % 200;; ++n) {
            if (std::filesystem::exists("/tmp/.X11-unix/X" + std::to_string(n)) ||
                std::filesystem::exists("/tmp/.X" + std::to_string(n) + "-lock"))
                continue;
            display_ = ":" + std::to_string(n);
            break;
        }
        // Its output goes to the test's own stderr; SIGTERM (then SIGKILL) at the end.
        server_.emplace(std::vector<std::string>{"Xvfb", display_, "-screen", "0", "1280x800x24", "-nolisten", "tcp"},
                        "", "", ChildProcess::Stop::Terminate);
        const std::string socket = "/tmp/.X11-unix/X" + display_.substr(1);
        for (int i = 0; i < 100 && !std::filesystem::exists(socket); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        INFO("Xvfb did not start on " << display_);
        REQUIRE(std::filesystem::exists(socket));
    }
    std::string env() const { return "DISPLAY=" + display_; }

private:
    std::string display_;
    std::optional<ChildProcess> server_;
};

struct Shown {
    int source = -1;
    long long frame = -1;
    int vx, vy, vw, vh, ox, oy, ow, oh;
    std::string top1;
};

std::vector<Shown> parseShown(const std::string& out) {
    std::vector<Shown> shown;
    const std::regex line(
        R"(shown source=(\d+) frame=(\d+) prob=\S+ video=(\d+),(\d+),(\d+),(\d+) overlay=(\d+),(\d+),(\d+),(\d+) top1=(.*))");
    std::istringstream in(out);
    std::string l;
    while (std::getline(in, l)) {
        std::smatch m;
        if (!std::regex_match(l, m, line)) continue;
        Shown s;
        s.source = std::stoi(m[1]);
        s.frame = std::stoll(m[2]);
        s.vx = std::stoi(m[3]), s.vy = std::stoi(m[4]), s.vw = std::stoi(m[5]), s.vh = std::stoi(m[6]);
        s.ox = std::stoi(m[7]), s.oy = std::stoi(m[8]), s.ow = std::stoi(m[9]), s.oh = std::stoi(m[10]);
        s.top1 = m[11];
        shown.push_back(s);
    }
    return shown;
}

// Frame `index` of a video, scaled to w x h RGB24 (bilinear, as the window's blit).
std::vector<uint8_t> videoFrame(const std::string& path, long long index, int w, int h) {
    resvk::video::SourceOptions options;
    resvk::video::FrameSource source(0, path, options);
    source.start();
    while (!source.finished()) {
        auto f = source.next(std::chrono::milliseconds(200));
        if (!f || f->index != index) continue;
        const AVFrame& frame = *f->image;
        SwsContext* sws = sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), w, h,
                                         AV_PIX_FMT_RGB24, SWS_BILINEAR, nullptr, nullptr, nullptr);
        std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
        uint8_t* dst[4] = {rgb.data()};
        int stride[4] = {w * 3};
        sws_scale(sws, frame.data, frame.linesize, 0, frame.height, dst, stride);
        sws_freeContext(sws);
        return rgb;
    }
    FAIL("frame " << index << " not found in " << path);
    return {};
}

bool inside(int x, int y, const Shown& s) {
    return x >= s.ox && x < s.ox + s.ow && y >= s.oy && y < s.oy + s.oh;
}

// Mean absolute difference per channel between the screenshot and the frame,
// over the video rectangle, inside or outside the overlay panel.
double meanDifference(const resvk::video::RgbImage& shot, const std::vector<uint8_t>& frame, const Shown& s,
                      bool inOverlay) {
    double sum = 0;
    long long count = 0;
    for (int y = 0; y < s.vh; ++y)
        for (int x = 0; x < s.vw; ++x) {
            const int sx = s.vx + x, sy = s.vy + y;
            if (inside(sx, sy, s) != inOverlay) continue;
            for (int c = 0; c < 3; ++c)
                sum += std::abs(int(shot.pixels[(size_t(sy) * shot.width + sx) * 3 + c]) -
                                int(frame[(size_t(y) * s.vw + x) * 3 + c]));
            count += 3;
        }
    REQUIRE(count > 0);
    return sum / count;
}

// The top-1 label of `frame` in `classify --json` output (JSON Lines).
std::string classifyTop1(const std::string& json, long long frame) {
    std::istringstream in(json);
    std::string l;
    const std::string key = "\"frame\":" + std::to_string(frame) + ",";
    while (std::getline(in, l)) {
        if (l.find(key) == std::string::npos) continue;
        std::smatch m;
        if (std::regex_search(l, m, std::regex(R"re("label":"([^"]*)")re"))) return m[1];
    }
    return "";
}

const std::string kModel = "models/cifar10/resnet20_cifar10.onnx";

}  // namespace

TEST_CASE("view: the screenshot shows the frame letterboxed, the overlay, and classify's top-1", "[viewer]") {
    Xvfb x;
    const std::string dir = tempDir(), shot = dir + "/shot.png";
    const std::string video = sharedPath("media/vtest.avi"), model = sharedPath(kModel);
    Result r = run(x.env(), {"view", video, "--model", model, "--no-crop", "--fast", "--print-shown", "--size",
                             "1280x720", "--screenshot-after", "30", shot});
    REQUIRE(r.code == 0);
    const auto shown = parseShown(r.out);
    REQUIRE(shown.size() == 1);
    const Shown& s = shown[0];
    // The window is paced (a few frames a second on lavapipe): the 30th drawn
    // frame is at least the 30th decoded one, and everything below is checked
    // against whichever frame it was.
    CHECK(s.frame >= 29);
    // The closing summary gives both rates (bench/viewer.sh reads them).
    CHECK(std::regex_search(r.err, std::regex(R"(inference [0-9.]+ fps, window [0-9.]+ fps)")));

    const auto image = resvk::video::decodeImage(shot);
    CHECK(image.width == 1280);
    CHECK(image.height == 720);
    // Letterboxed: 768x576 (4:3) in 1280x720 is 960x720, centred.
    CHECK(s.vw == 960);
    CHECK(s.vh == 720);
    CHECK(s.vx == 160);
    const auto frame = videoFrame(video, s.frame, s.vw, s.vh);
    const double videoDiff = meanDifference(image, frame, s, false);
    const double overlayDiff = meanDifference(image, frame, s, true);
    INFO("frame " << s.frame << ": mean |difference| outside the overlay " << videoDiff << ", inside " << overlayDiff);
    CHECK(videoDiff < 6.0);
    CHECK(overlayDiff > 15.0);
    // The bars outside the picture are the background colour, not video.
    CHECK(image.pixels[(360 * 1280 + 40) * 3] < 40);

    Result c = run("", {"classify", video, "--model", model, "--no-crop", "--json"});
    REQUIRE(c.code == 0);
    const std::string expected = classifyTop1(c.out, s.frame);
    REQUIRE(!expected.empty());
    CHECK(s.top1 == expected);
}

namespace {

// The window is paced, so the last frame drawn while running may be far behind;
// the end must still show the last frame. The hue of this test pattern turns
// with time (frames 45 and 59 differ by 64 on average), so a stale picture fails
// the comparison. `extra`: more view options.
void checkShowsLastFrame(const std::vector<std::string>& extra) {
    Xvfb x;
    const std::string shot = tempDir() + "/end.png";
    const std::string source = "lavfi:testsrc2=size=320x240:rate=30:duration=2,hue=h=t*120";
    std::vector<std::string> args = {"view",          source,   "--model", sharedPath(kModel),   "--no-crop", "--fast",
                                     "--print-shown", "--size", "640x480", "--screenshot-after", "100000",    shot};
    args.insert(args.end(), extra.begin(), extra.end());
    Result r = run(x.env(), args);
    REQUIRE(r.code == 0);
    const auto shown = parseShown(r.out);
    REQUIRE(shown.size() == 1);
    const Shown& s = shown[0];
    CHECK(s.frame == 59);
    const auto image = resvk::video::decodeImage(shot);
    const auto frame = videoFrame(source, s.frame, s.vw, s.vh);
    const double videoDiff = meanDifference(image, frame, s, false);
    INFO("frame " << s.frame << ": mean |difference| outside the overlay " << videoDiff);
    CHECK(videoDiff < 6.0);
}

}  // namespace

TEST_CASE("view: when the input ends, the window shows its last frame", "[viewer]") {
    checkShowsLastFrame({});
}

// Frame 59 is not one the network classifies with --every 3: the viewer uploads
// it itself (FrameConverter's own upload, with its staging copies on that path).
TEST_CASE("view: a frame the network skips (--every) is shown from the viewer's own upload", "[viewer]") {
    checkShowsLastFrame({"--every", "3"});
}

TEST_CASE("view: resizing and minimising while running do not crash", "[viewer]") {
    Xvfb x;
    const std::string shot = tempDir() + "/resized.png";
    Result r = run(x.env(), {"view", sharedPath("media/vtest.avi"), "--model", sharedPath(kModel), "--no-crop",
                             "--fast", "--test-resize", "--display-budget", "100", "--screenshot-after", "30", shot});
    REQUIRE(r.code == 0);
    const auto image = resvk::video::decodeImage(shot);
    CHECK(image.width == 1100);  // the last size --test-resize sets
    CHECK(image.height == 700);
}

TEST_CASE("view: two sources are shown side by side", "[viewer]") {
    Xvfb x;
    const std::string shot = tempDir() + "/grid.png";
    Result r = run(x.env(),
                   {"view", sharedPath("media/vtest.avi"), sharedPath("media/tree.avi"), "--model", sharedPath(kModel),
                    "--no-crop", "--fast", "--stats", "--print-shown", "--screenshot-after", "20", shot});
    REQUIRE(r.code == 0);
    const auto shown = parseShown(r.out);
    REQUIRE(shown.size() == 2);
    CHECK(shown[0].vx + shown[0].vw <= shown[1].vx);  // left and right cells
    CHECK(shown[0].vw == shown[1].vw);                // both 4:3 in equal cells
    CHECK(!shown[0].top1.empty());
    CHECK(!shown[1].top1.empty());
}

TEST_CASE("view: without a display, one line says what to do instead", "[viewer]") {
    Result r = run("env -u DISPLAY -u WAYLAND_DISPLAY",
                   {"view", sharedPath("media/vtest.avi"), "--model", sharedPath(kModel)});
    CHECK(r.code == 1);
    CHECK(r.err ==
          "resvk: error: no display (DISPLAY is not set): use `resvk classify --output annotated.mp4` to get "
          "labelled video without a window\n");
    CHECK(r.out.empty());
}
