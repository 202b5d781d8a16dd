// --publish (MQTT) and --metrics (Prometheus) end to end: a real mosquitto
// broker started here on 127.0.0.1 with a free port, mosquitto_sub as the
// subscriber, curl + promtool for /metrics, and the built resvk (RESVK_BIN) on
// short lavfi sources with the CIFAR ResNet-20. Every process is a ChildProcess
// guard, killed and reaped when a test ends, also when it fails.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "publish/metrics.h"
#include "publish/topics.h"
#include "support/process.h"
#include "support/test_paths.h"

using namespace resvk::test;
using namespace resvk::publish;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    const auto until = Clock::now() + limit;
    while (Clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return done();
}

// The broker lives in /usr/sbin, which is not on a normal user's PATH on Debian.
std::string mosquittoBinary() {
    return std::filesystem::exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
}

// A mosquitto broker on 127.0.0.1:port; restart() starts a fresh one on the same port.
struct Broker {
    std::string dir = tempDir();
    int port = freeLocalPort(SOCK_STREAM);
    std::unique_ptr<ChildProcess> process;

    Broker() {
        std::ofstream(dir + "/mosquitto.conf") << "listener " << port << " 127.0.0.1\nallow_anonymous true\n"
                                               << "persistence false\n";
        start();
    }
    void start() {
        process =
            std::make_unique<ChildProcess>(std::vector<std::string>{mosquittoBinary(), "-c", dir + "/mosquitto.conf"},
                                           dir + "/broker.out", dir + "/broker.err");
        REQUIRE(waitUntil([&] { return capture(pub("probe", "up") + " && echo ok") == "ok\n"; }, 5000ms));
    }
    void kill() {
        process->signal(SIGKILL);
        process->wait(2000ms);
    }
    std::string url(const std::string& prefix = "resvk") const {
        return "mqtt://127.0.0.1:" + std::to_string(port) + "/" + prefix;
    }
    std::string pub(const std::string& topic, const std::string& message) const {
        return "mosquitto_pub -h 127.0.0.1 -p " + std::to_string(port) + " -t " + quote(topic) + " -m " +
               quote(message) + " 2>/dev/null";
    }
    // The retained message of `topic` ("" when none arrives within 3 s).
    std::string retained(const std::string& topic) const {
        std::string s = capture("mosquitto_sub -h 127.0.0.1 -p " + std::to_string(port) + " -t " + quote(topic) +
                                " -C 1 -W 3 2>/dev/null");
        if (!s.empty() && s.back() == '\n') s.pop_back();
        return s;
    }
};

// mosquitto_sub -v on resvk/#, writing "TOPIC PAYLOAD" lines to a file; ready
// once its own probe message came back.
struct Subscriber {
    std::string file;
    std::unique_ptr<ChildProcess> process;

    Subscriber(const Broker& broker, const std::string& name) : file(broker.dir + "/" + name + ".txt") {
        process = std::make_unique<ChildProcess>(
            std::vector<std::string>{"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port), "-t",
                                     "resvk/#", "-t", "probe/" + name, "-v"},
            file, "/dev/null");
        REQUIRE(waitUntil(
            [&] {
                capture(broker.pub("probe/" + name, "ready"));
                return contains(slurp(file), "probe/" + name + " ready");
            },
            5000ms));
    }
    // Payloads of messages on `topic`, in order of arrival.
    std::vector<std::string> payloads(const std::string& topic) const {
        std::vector<std::string> out;
        for (const auto& line : lines(slurp(file)))
            if (line.rfind(topic + " ", 0) == 0) out.push_back(line.substr(topic.size() + 1));
        return out;
    }
};

std::vector<std::string> cifar(std::vector<std::string> args) {
    const std::vector<std::string> model = {
        "--model", sharedPath("models/cifar10/resnet20_cifar10.onnx"), "--no-crop", "--labels", "cifar10", "--json"};
    args.insert(args.end(), model.begin(), model.end());
    return args;
}

// resvk in the background with stdout/stderr to files.
struct Resvk {
    std::string out, err;
    std::unique_ptr<ChildProcess> process;
    Resvk(const std::string& dir, const std::string& name, std::vector<std::string> args)
        : out(dir + "/" + name + ".out"), err(dir + "/" + name + ".err") {
        args.insert(args.begin(), resvkBinary());
        process = std::make_unique<ChildProcess>(args, out, err, ChildProcess::Stop::Terminate);
    }
    int finish(std::chrono::milliseconds limit = 60000ms) {
        auto code = process->wait(limit);
        REQUIRE(code.has_value());
        return *code;
    }
    std::vector<std::string> frames() const {
        std::vector<std::string> out;
        for (const auto& l : lines(slurp(this->out)))
            if (l.rfind("{\"source\"", 0) == 0) out.push_back(l);
        return out;
    }
    std::string summaryObject() const {  // X of the last line {"summary":X}
        for (const auto& l : lines(slurp(out)))
            if (l.rfind("{\"summary\":", 0) == 0) return l.substr(11, l.size() - 12);
        return "";
    }
};

std::string field(const std::string& json, const std::string& key) {  // a string or number value
    std::smatch m;
    const std::regex re("\"" + key + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|[-0-9.eE]+|null)");
    return std::regex_search(json, m, re) ? m[1].str() : "";
}

std::string top1(const std::string& frameJson) {  // the first label of "top"
    return field(frameJson.substr(frameJson.find("\"top\":")), "label");
}

// A private X server for `resvk view`, on a display number nobody uses.
struct Xvfb {
    std::string display;
    std::optional<ChildProcess> server;
    Xvfb() {
        for (int n = 300 + getpid() % 200;; ++n) {
            if (std::filesystem::exists("/tmp/.X11-unix/X" + std::to_string(n)) ||
                std::filesystem::exists("/tmp/.X" + std::to_string(n) + "-lock"))
                continue;
            display = ":" + std::to_string(n);
            break;
        }
        server.emplace(std::vector<std::string>{"Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"},
                       ChildProcess::Stop::Terminate);
        const std::string socket = "/tmp/.X11-unix/X" + display.substr(1);
        REQUIRE(waitUntil([&] { return std::filesystem::exists(socket); }, 5000ms));
    }
};

}  // namespace

TEST_CASE("publish: topic names, broker URLs and the metrics address", "[publish][unit]") {
    CHECK(topicLevel("/videos/cam 1.mp4") == "cam_1.mp4");
    CHECK(topicLevel("rtsp://u:p@cam.local:554/live") == "cam.local_554_live");
    CHECK(topicLevel("lavfi:testsrc2=rate=30") == "lavfi_testsrc2_rate_30");
    CHECK(topicLevel("a+b#c/") == "a_b_c");
    CHECK(topicLevel("///") == "source");
    CHECK(topicLevel(std::string(100, 'x')).size() == 64);
    CHECK(sourceTopicLevels({"a/x.mp4", "b/x.mp4", "x.mp4"}) ==
          std::vector<std::string>{"x.mp4", "x.mp4-2", "x.mp4-3"});
    CHECK(withoutCredentials("rtsp://u:p@cam/live") == "rtsp://cam/live");
    CHECK(withoutCredentials("/a@b/c.mp4") == "/a@b/c.mp4");

    const BrokerUrl b = parseBrokerUrl("mqtts://resvk@broker.lan:8884/site/a/");
    CHECK(b.tls);
    CHECK(b.user == "resvk");
    CHECK(b.host == "broker.lan");
    CHECK(b.port == 8884);
    CHECK(b.prefix == "site/a");
    CHECK(parseBrokerUrl("mqtt://h").port == 1883);
    CHECK(parseBrokerUrl("mqtt://h").prefix == "resvk");
    CHECK(parseBrokerUrl("mqtts://h").port == 8883);
    CHECK(parseBrokerUrl("mqtt://[::1]:1884").host == "::1");
    for (const char* bad : {"http://h", "mqtt://", "mqtt://:1883", "mqtt://h:0", "mqtt://h:70000", "mqtt://h:x",
                            "mqtt://u:secret@h", "mqtt://h/a/+", "mqtt://h/a//b", "mqtt://@h", "mqtt://[::1"})
        CHECK_THROWS_AS(parseBrokerUrl(bad), ConfigError);
    CHECK_THROWS_WITH(parseBrokerUrl("mqtt://u:secret@h"), Catch::Contains("RESVK_MQTT_PASSWORD"));
    CHECK_THROWS_AS(checkInstance("a/b"), ConfigError);
    CHECK_THROWS_AS(checkInstance(""), ConfigError);
    CHECK(checkInstance("gpu-1.site") == "gpu-1.site");

    CHECK(metricsListenAddress("9100") == "127.0.0.1:9100");
    CHECK(metricsListenAddress("0.0.0.0:9100") == "0.0.0.0:9100");
    CHECK(metricsListenAddress("[::1]:9100") == "[::1]:9100");
    for (const char* bad : {"", "x", ":9100", "::1:9100", "70000", "127.0.0.1:"})
        CHECK_THROWS_AS(metricsListenAddress(bad), ConfigError);
}

TEST_CASE("publish: two processes, one broker: frames equal --json, state on top-1 changes, available",
          "[publish][mqtt]") {
    Broker broker;
    Subscriber sub(broker, "all");
    const std::string spec = "lavfi:testsrc2=size=64x64:rate=10:duration=3";
    const std::string source = "lavfi_testsrc2_size_64x64_rate_10_duration_3";
    Resvk a(broker.dir, "a", cifar({"classify", spec, "--publish", broker.url(), "--instance", "a"}));
    Resvk b(broker.dir, "b", cifar({"classify", spec, "--publish", broker.url(), "--instance", "b"}));
    REQUIRE(a.finish() == 0);
    REQUIRE(b.finish() == 0);
    std::this_thread::sleep_for(300ms);  // the last messages reach the subscriber

    for (Resvk* r : {&a, &b}) {
        const std::string instance = r == &a ? "a" : "b";
        const std::string root = "resvk/" + instance;
        INFO("instance " << instance << "; stderr: " << slurp(r->err));
        // Every frame, exactly as --json printed it, in order, under this instance only.
        const auto frames = r->frames();
        REQUIRE(frames.size() == 30);
        CHECK(sub.payloads(root + "/" + source + "/frame") == frames);

        // One state per top-1 change (the first result is a change from nothing).
        std::vector<std::string> expected;  // "label previous frame"
        std::string previous = "null";
        for (const auto& f : frames) {
            const std::string label = top1(f);
            if (label == previous) continue;
            expected.push_back(label + " " + previous + " " + field(f, "frame"));
            previous = label;
        }
        REQUIRE(expected.size() >= 2);  // testsrc2 shows CIFAR ResNet-20 several classes: a real test
        std::vector<std::string> states;
        for (const auto& s : sub.payloads(root + "/" + source + "/state"))
            states.push_back(field(s, "label") + " " + field(s, "previous") + " " + field(s, "frame"));
        CHECK(states == expected);
        // Retained: a subscriber that comes later gets the last one.
        CHECK(field(broker.retained(root + "/" + source + "/state"), "label") == previous);

        CHECK(sub.payloads(root + "/available") == std::vector<std::string>{"online", "offline"});
        CHECK(broker.retained(root + "/available") == "offline");  // the clean exit said so
        const auto stats = sub.payloads(root + "/stats");
        REQUIRE(!stats.empty());
        CHECK(contains(stats.back(), "\"summary\":" + r->summaryObject()));
        CHECK(contains(stats.back(), "\"topic\":\"" + source + "\""));
        CHECK(contains(slurp(r->err), "messages published, 0 frame messages dropped"));
    }
}

TEST_CASE("publish: regions: a frame record per region, a retained state per region", "[publish][mqtt]") {
    Broker broker;
    Subscriber sub(broker, "regions");
    const std::string spec = "lavfi:testsrc2=size=64x64:rate=10:duration=2";
    const std::string root = "resvk/r/lavfi_testsrc2_size_64x64_rate_10_duration_2";
    Resvk r(broker.dir, "r",
            cifar({"classify", spec, "--publish", broker.url(), "--instance", "r", "--roi", "left=0,0,0.5,1", "--roi",
                   "right=0.5,0,0.5,1"}));
    REQUIRE(r.finish() == 0);
    std::this_thread::sleep_for(300ms);
    INFO("stderr: " << slurp(r.err));
    const auto frames = r.frames();
    REQUIRE(frames.size() == 40);  // 20 frames x 2 regions
    CHECK(sub.payloads(root + "/frame") == frames);
    for (const char* region : {"left", "right"}) {
        INFO("region " << region);
        const std::string quoted = std::string("\"") + region + "\"";  // field() keeps JSON's quotes
        std::string last;
        for (const auto& f : frames)
            if (field(f, "region") == quoted) last = top1(f);
        const auto states = sub.payloads(root + "/" + region + "/state");
        REQUIRE(!states.empty());
        CHECK(field(states.back(), "region") == quoted);
        REQUIRE(!last.empty());
        CHECK(field(broker.retained(root + "/" + region + "/state"), "label") == last);
    }
    CHECK(sub.payloads(root + "/state").empty());  // no whole-frame state when regions are given
}

TEST_CASE("publish: kill -9 leaves the last will: available turns offline", "[publish][mqtt]") {
    Broker broker;
    Subscriber sub(broker, "will");
    Resvk r(broker.dir, "r",
            cifar({"classify", "lavfi:testsrc2=size=64x64:rate=10:duration=60", "--realtime", "--publish", broker.url(),
                   "--instance", "w"}));
    REQUIRE(waitUntil(
        [&] { return !sub.payloads("resvk/w/lavfi_testsrc2_size_64x64_rate_10_duration_60/frame").empty(); }, 30000ms));
    CHECK(broker.retained("resvk/w/available") == "online");
    r.process->signal(SIGKILL);
    r.process->wait(2000ms);
    CHECK(waitUntil([&] { return sub.payloads("resvk/w/available").size() == 2; }, 5000ms));
    CHECK(sub.payloads("resvk/w/available") == std::vector<std::string>{"online", "offline"});
    CHECK(broker.retained("resvk/w/available") == "offline");
}

TEST_CASE("publish: the broker dies and comes back: resvk classifies on, reconnects, reports drops",
          "[publish][mqtt]") {
    Broker broker;
    auto sub = std::make_unique<Subscriber>(broker, "before");
    const std::string topic = "resvk/k/lavfi_testsrc2_size_64x64_rate_10_duration_10/frame";
    Resvk r(broker.dir, "r",
            cifar({"classify", "lavfi:testsrc2=size=64x64:rate=10:duration=10", "--realtime", "--publish", broker.url(),
                   "--instance", "k", "--mqtt-queue", "5"}));
    REQUIRE(waitUntil([&] { return !sub->payloads(topic).empty(); }, 30000ms));
    const size_t framesBefore = r.frames().size();
    broker.kill();
    REQUIRE(waitUntil([&] { return contains(slurp(r.err), "connection lost"); }, 5000ms));
    std::this_thread::sleep_for(2500ms);  // more than --mqtt-queue frames go by
    const size_t framesDuringOutage = r.frames().size() - framesBefore;
    broker.start();
    Subscriber after(broker, "after");
    REQUIRE(waitUntil([&] { return contains(slurp(r.err), "connected again"); }, 10000ms));
    REQUIRE(r.finish() == 0);
    std::this_thread::sleep_for(300ms);

    INFO("stderr: " << slurp(r.err));
    // The frame loop never waited for the broker: frames came at the source's 10 fps throughout.
    CHECK(framesDuringOutage >= 15);
    const auto frames = r.frames();
    REQUIRE(frames.size() == 100);
    double last = 0, longestGap = 0;
    for (size_t i = 0; i < frames.size(); ++i) {
        const double t = std::stod(field(frames[i], "time"));
        if (i >= framesBefore) longestGap = std::max(longestGap, t - last);
        last = t;
    }
    CHECK(longestGap < 1.0);
    // Published again after the restart: the newest frames, up to the last one.
    const auto published = after.payloads(topic);
    REQUIRE(!published.empty());
    CHECK(published.back() == frames.back());
    // Dropped: what the 5-message queue could not keep, said in the summary line and the stats.
    std::smatch m;
    const std::string err = slurp(r.err);
    REQUIRE(std::regex_search(
        err, m, std::regex("(\\d+) messages published, (\\d+) frame messages dropped, 0 unsent, 1 reconnect")));
    const int dropped = std::stoi(m[2].str());
    CHECK(dropped >= int(framesDuringOutage) - 5);
    const auto stats = after.payloads("resvk/k/stats");
    REQUIRE(!stats.empty());
    CHECK(contains(stats.back(), "\"dropped\":" + std::to_string(dropped) + ","));
    CHECK(contains(stats.back(), "\"reconnects\":1}"));
}

TEST_CASE("publish: /metrics passes promtool and its counters match the run summary", "[publish][metrics]") {
    Broker broker;
    const int port = freeLocalPort(SOCK_STREAM);
    const std::string spec = "lavfi:testsrc2=size=64x64:rate=10:duration=2";
    Resvk r(broker.dir, "m",
            cifar({"classify", spec, "--publish", broker.url(), "--instance", "m", "--metrics", std::to_string(port),
                   "--metrics-linger", "30"}));
    REQUIRE(waitUntil([&] { return !r.summaryObject().empty(); }, 60000ms));
    const std::string file = broker.dir + "/metrics.txt";
    REQUIRE(capture("curl -sf http://127.0.0.1:" + std::to_string(port) + "/metrics -o " + quote(file) +
                    " && echo ok") == "ok\n");
    const std::string text = slurp(file);
    INFO(text);
    Result check = runCaptured("promtool check metrics < " + quote(file));
    INFO(check.out << check.err);
    CHECK(check.code == 0);
    r.process->signal(SIGTERM);  // ends the linger
    CHECK(r.finish(5000ms) == 143);

    auto value = [&](const std::string& series) -> double {
        for (const auto& l : lines(text))
            if (l.rfind(series + " ", 0) == 0) return std::stod(l.substr(series.size() + 1));
        FAIL("no series " << series);
        return -1;
    };
    const std::string summary = r.summaryObject();
    const std::string src = "{source=\"" + spec + "\"}";
    for (const char* key : {"decoded", "classified", "dropped", "damaged"})
        CHECK(value(std::string("resvk_frames_") + key + "_total" + src) == std::stod(field(summary, key)));
    CHECK(value("resvk_frames_classified_total" + src) == 20);
    CHECK(value("resvk_latency_seconds_count" + src) == 20);
    CHECK(value("resvk_source_reconnects_total" + src) == 0);
    CHECK(value("resvk_inference_batches_total") >= 1);
    CHECK(value("resvk_inference_seconds_total") > 0);
    CHECK(value("resvk_mqtt_published_total") >= 20);
    CHECK(value("resvk_mqtt_dropped_total") == 0);
    CHECK(value("resvk_mqtt_connected") == 0);  // disconnected at the end of the run
    CHECK(std::regex_search(text, std::regex("resvk_top1_probability\\{label=\"[a-z]+\",source=\"" +
                                             std::regex_replace(spec, std::regex("[=:.]"), "\\$&") + "\"\\} 0\\.")));
    CHECK(std::regex_search(
        text, std::regex("resvk_device_info\\{device=\"[^\"]+\",instance=\"m\",model=\"resnet20_cifar10.onnx\"\\} 1")));
}

TEST_CASE("publish: bad input: one clear line each", "[publish][errors]") {
    const std::string spec = "lavfi:testsrc2=size=64x64:rate=10:duration=1";
    const std::string nobody = "mqtt://127.0.0.1:" + std::to_string(freeLocalPort(SOCK_STREAM));
    auto errorLines = [](const Result& r) { return lines(r.err).size(); };

    SECTION("an unreachable broker: a warning, and every frame still classified") {
        Result r = runResvk(cifar({"classify", spec, "--publish", nobody}), "timeout -k 5 60");
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK(contains(r.err, "resvk: warning: cannot reach the MQTT broker 127.0.0.1:"));
        CHECK(contains(r.err, "Connection refused"));
        CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 11);  // 10 frames and the summary
    }
    SECTION("--publish-required: exit 1 before classifying") {
        Result r = runResvk(cifar({"classify", spec, "--publish", nobody, "--publish-required"}), "timeout -k 5 60");
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(r.out.empty());
        CHECK(errorLines(r) == 1);
        CHECK(contains(r.err, "resvk: error: --publish: cannot reach the MQTT broker 127.0.0.1:"));
    }
    SECTION("malformed options") {
        const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
            {{"--publish", "http://broker"}, "--publish 'http://broker': the scheme must be mqtt:// or mqtts://"},
            {{"--publish", "mqtt://"}, "no broker host"},
            {{"--publish", "mqtt://h:99999"}, "the port '99999' is not a number"},
            {{"--publish", "mqtt://u:pw@h"}, "a password does not belong in the URL"},
            {{"--publish", "mqtt://h/a/#"}, "may not contain the wildcards"},
            {{"--publish", "mqtt://h", "--instance", "a/b"}, "--instance 'a/b'"},
            {{"--publish", "mqtt://h", "--mqtt-password-file", "/nonexistent"}, "--mqtt-password-file '/nonexistent'"},
            {{"--publish", "mqtt://h", "--mqtt-ca", "/etc/hostname"}, "--mqtt-ca goes with an mqtts:// broker"},
            {{"--mqtt-queue", "5"}, "--mqtt-queue goes with --publish"},
            {{"--metrics", "x"}, "--metrics 'x': expected [ADDR:]PORT"},
            {{"--metrics-linger", "5"}, "--metrics-linger goes with --metrics"},
        };
        for (const auto& [extra, message] : cases) {
            std::vector<std::string> args = cifar({"classify", spec});
            args.insert(args.end(), extra.begin(), extra.end());
            Result r = runResvk(args, "timeout -k 5 60");
            INFO(r.command << "\n" << r.err);
            CHECK(r.code == 2);
            CHECK(errorLines(r) == 1);
            CHECK(contains(r.err, message));
        }
    }
    SECTION("photos: --publish is for video") {
        Result r =
            runResvk(cifar({"classify", sharedPath("media/orange.jpg"), "--publish", "mqtt://h"}), "timeout -k 5 60");
        INFO(r.err);
        CHECK(r.code == 2);
        CHECK(errorLines(r) == 1);
        CHECK(contains(r.err, "--publish publishes video results"));
    }
    SECTION("--metrics on a port in use") {
        Broker broker;  // holds its port
        Result r = runResvk(cifar({"classify", spec, "--metrics", std::to_string(broker.port)}), "timeout -k 5 60");
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(errorLines(r) == 1);
        CHECK(contains(r.err, "resvk: error: --metrics: cannot listen on 127.0.0.1:" + std::to_string(broker.port)));
    }
}

TEST_CASE("publish: view publishes what it classifies", "[publish][mqtt][viewer]") {
    Broker broker;
    Subscriber sub(broker, "view");
    Xvfb x;
    const std::string root = "resvk/v/lavfi_testsrc2_size_64x64_rate_10_duration_2";
    Result r = runResvk({"view", "lavfi:testsrc2=size=64x64:rate=10:duration=2", "--model",
                         sharedPath("models/cifar10/resnet20_cifar10.onnx"), "--no-crop", "--labels", "cifar10",
                         "--fast", "--exit-at-end", "--publish", broker.url(), "--instance", "v"},
                        "env DISPLAY=" + x.display + " timeout -k 5 60");
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::this_thread::sleep_for(300ms);
    const auto frames = sub.payloads(root + "/frame");
    CHECK(frames.size() == 20);  // every frame is classified (--every 1)
    CHECK(!sub.payloads(root + "/state").empty());
    CHECK(sub.payloads("resvk/v/available") == std::vector<std::string>{"online", "offline"});
    CHECK(contains(r.err, "resvk: MQTT 127.0.0.1:" + std::to_string(broker.port)));
}

TEST_CASE("publish: mqtts:// with --mqtt-ca and a password from RESVK_MQTT_PASSWORD or a file",
          "[publish][mqtt][tls]") {
    // A broker with a self-signed certificate for localhost that takes only user cam, password secret.
    const std::string dir = tempDir();
    const int port = freeLocalPort(SOCK_STREAM);
    REQUIRE(runCaptured(
                "cd " + quote(dir) +
                " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 "
                "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null && chmod 644 key.pem"
                " && touch pw && mosquitto_passwd -b pw cam secret")
                .code == 0);
    std::ofstream(dir + "/tls.conf") << "listener " << port << " 127.0.0.1\ncafile " << dir << "/cert.pem\ncertfile "
                                     << dir << "/cert.pem\nkeyfile " << dir << "/key.pem\nallow_anonymous false\n"
                                     << "password_file " << dir << "/pw\npersistence false\n";
    ChildProcess broker({mosquittoBinary(), "-c", dir + "/tls.conf"}, dir + "/broker.out", dir + "/broker.err");
    REQUIRE(waitUntil([&] { return contains(slurp(dir + "/broker.err"), " running"); }, 5000ms));
    std::ofstream(dir + "/password") << "secret\n";

    const std::string url = "mqtts://cam@localhost:" + std::to_string(port) + "/t";
    const std::vector<std::string> run = cifar({"classify", "lavfi:testsrc2=size=64x64:rate=10:duration=1", "--publish",
                                                url, "--publish-required", "--mqtt-ca", dir + "/cert.pem"});
    auto with = [&](std::vector<std::string> extra, const std::string& env) {
        std::vector<std::string> args = run;
        args.insert(args.end(), extra.begin(), extra.end());
        return runResvk(args, "env -u RESVK_MQTT_PASSWORD " + env + " timeout -k 5 60");
    };
    Result env = with({}, "RESVK_MQTT_PASSWORD=secret");
    INFO(env.err);
    CHECK(env.code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(env.err, m, std::regex("(\\d+) messages published, 0 frame messages dropped")));
    CHECK(std::stoi(m[1].str()) >= 10);  // the 10 frames, states and stats
    Result file = with({"--mqtt-password-file", dir + "/password"}, "");
    INFO(file.err);
    CHECK(file.code == 0);
    Result wrong = with({}, "RESVK_MQTT_PASSWORD=wrong");
    INFO(wrong.err);
    CHECK(wrong.code == 1);
    CHECK(contains(wrong.err, "resvk: error: --publish: cannot reach the MQTT broker localhost:" +
                                  std::to_string(port) + ": the broker refused the connection"));
    Result noCa = runResvk(
        cifar({"classify", "lavfi:testsrc2=size=64x64:rate=10:duration=1", "--publish", url, "--publish-required"}),
        "env RESVK_MQTT_PASSWORD=secret timeout -k 5 60");
    INFO(noCa.err);
    CHECK(noCa.code == 1);
    CHECK(contains(noCa.err, "is --mqtt-ca the broker's CA"));
}
