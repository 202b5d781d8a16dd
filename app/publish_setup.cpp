#include "publish_setup.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "classify/topk.h"
#include "stop_signal.h"

namespace resvk::app {

std::vector<OptionSpec> publishOptionSpecs() {
    return {{"publish", "mqtt://[USER@]HOST[:PORT][/PREFIX]",
             "publish results to an MQTT broker under PREFIX/INSTANCE/... (mqtts:// for TLS)", "PREFIX resvk"},
            {"instance", "NAME", "this process's topic level and metrics label (A-Z a-z 0-9 . _ -)", "the host name"},
            {"mqtt-password-file", "FILE", "MQTT password: the first line of FILE (or set RESVK_MQTT_PASSWORD)", ""},
            {"mqtt-ca", "FILE", "mqtts://: CA certificate(s) to check the broker with", "the system's"},
            {"mqtt-queue", "N", "frame messages kept while the broker is away; older ones are dropped", "1000"},
            {"publish-required", "", "exit 1 when the broker cannot be reached at start, instead of retrying", ""},
            {"metrics", "[ADDR:]PORT", "serve Prometheus metrics at http://ADDR:PORT/metrics", "ADDR 127.0.0.1"},
            {"metrics-linger", "SECONDS", "keep /metrics up this long after the sources end (a last scrape)", "0"}};
}

std::string publishHelpNotes() {
    return "MQTT topics (--publish mqtt://HOST/PREFIX): PREFIX/INSTANCE/SOURCE/frame (QoS 0: each frame's\n"
           "--json object), PREFIX/INSTANCE/SOURCE/state (QoS 1, retained: {label, prob, since, previous}\n"
           "when the smoothed top-1 changes), PREFIX/INSTANCE/available (online; offline as last will and\n"
           "on exit), PREFIX/INSTANCE/stats (the run summary so far, every 5 s). SOURCE is the file name\n"
           "(or URL host and path, without scheme and user) with every run of characters other than\n"
           "A-Z a-z 0-9 . _ - replaced by _ (64 at most; repeats get -2, -3). While the broker is away\n"
           "resvk classifies on, keeps the newest --mqtt-queue frame messages and reconnects with backoff.\n"
           "Watch: mosquitto_sub -h HOST -t 'PREFIX/#' -v\n"
           "  resvk classify rtsp://cam1/live --model m.onnx --publish mqtt://broker.lan/site --instance gpu1\n"
           "  RESVK_MQTT_PASSWORD=secret resvk classify clip.mp4 --model m.onnx --publish mqtts://resvk@broker/r\n"
           "  resvk classify /dev/video0 --model m.onnx --metrics 9100   # curl 127.0.0.1:9100/metrics";
}

namespace {

std::optional<std::string> readPassword(const Args& args) {
    if (auto file = args.value("mqtt-password-file")) {
        std::ifstream in(*file);
        if (!in) args.fail("--mqtt-password-file '" + *file + "': cannot read it");
        std::string line;
        std::getline(in, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) args.fail("--mqtt-password-file '" + *file + "': the first line is empty");
        return line;
    }
    if (const char* env = std::getenv("RESVK_MQTT_PASSWORD"); env && *env) return std::string(env);
    return std::nullopt;
}

}  // namespace

PublishConfig publishConfig(const Args& args) {
    PublishConfig c;
    try {
        c.instance =
            args.has("instance") ? publish::checkInstance(*args.value("instance")) : publish::defaultInstance();
        if (auto url = args.value("publish")) {
            publish::MqttOptions m;
            m.broker = publish::parseBrokerUrl(*url);
            m.instance = c.instance;
            m.password = readPassword(args);
            if (auto ca = args.value("mqtt-ca")) {
                if (!m.broker.tls) args.fail("--mqtt-ca goes with an mqtts:// broker");
                if (!std::ifstream(*ca)) args.fail("--mqtt-ca '" + *ca + "': cannot read it");
                m.caFile = *ca;
            }
            m.queueLimit = static_cast<size_t>(args.integer("mqtt-queue", 1000, 1, 10000000));
            c.mqtt = m;
            c.required = args.has("publish-required");
            c.connectWait = std::min(3.0, args.number("timeout", 10.0, 0.1));
        } else {
            for (const char* o : {"mqtt-password-file", "mqtt-ca", "mqtt-queue", "publish-required"})
                if (args.has(o)) args.fail(std::string("--") + o + " goes with --publish mqtt://...");
        }
        if (auto metrics = args.value("metrics")) {
            c.metricsListen = publish::metricsListenAddress(*metrics);
            c.metricsLinger = args.number("metrics-linger", 0.0, 0.0);
        } else if (args.has("metrics-linger")) {
            args.fail("--metrics-linger goes with --metrics [ADDR:]PORT");
        }
        if (args.has("instance") && !c.mqtt && !c.metricsListen)
            args.fail("--instance goes with --publish or --metrics");
    } catch (const publish::ConfigError& e) {
        args.fail(e.what());
    }
    return c;
}

PublishOutputs::PublishOutputs(PublishConfig config, const std::vector<std::string>& sources, const std::string& device,
                               const std::string& model)
    : config_(std::move(config)) {
    if (config_.mqtt) {
        config_.mqtt->sources = sources;
        mqtt_ = std::make_unique<publish::MqttPublisher>(*config_.mqtt);
        const std::string why = mqtt_->waitConnected(config_.connectWait);
        if (!why.empty()) {
            if (config_.required)
                throw std::runtime_error("--publish: cannot reach the MQTT broker " + mqtt_->broker() + ": " + why);
            std::cerr << "resvk: warning: cannot reach the MQTT broker " << mqtt_->broker() << " (" << why
                      << "); classifying anyway, retrying in the background\n";
        }
        sinks_.push_back(mqtt_.get());
    }
    if (config_.metricsListen) {
        publish::MetricsOptions m;
        m.listen = *config_.metricsListen;
        m.sources = sources;
        m.device = device;
        m.model = model;
        m.instance = config_.instance;
        if (mqtt_) m.mqtt = [p = mqtt_.get()] { return p->counters(); };
        metrics_ = std::make_unique<publish::MetricsServer>(m);
        std::cerr << "resvk: metrics at " << metrics_->url() << "\n";
        sinks_.push_back(metrics_.get());
    }
}

PublishOutputs::~PublishOutputs() = default;

void PublishOutputs::write(const classify::FrameResult& r) {
    for (auto* s : sinks_) s->write(r);
}

void PublishOutputs::tick(const video::VideoPipeline& pipeline) {
    if (sinks_.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - lastTick_ < std::chrono::seconds(1)) return;
    lastTick_ = now;
    const classify::RunSummary soFar = pipeline.summary(1000);  // latency of the last 1000 frames
    for (auto* s : sinks_) s->progress(soFar);
}

void PublishOutputs::finish(const classify::RunSummary& summary) {
    if (finished_) return;
    finished_ = true;
    for (auto* s : sinks_) s->summary(summary);
    if (mqtt_) {
        mqtt_->close();
        const publish::MqttCounters c = mqtt_->counters();
        std::cerr << "resvk: MQTT " << mqtt_->broker() << ": " << c.published << " messages published, " << c.dropped
                  << " frame messages dropped, " << c.queued << " unsent";
        if (c.reconnects > 0) std::cerr << ", " << c.reconnects << " reconnect" << (c.reconnects == 1 ? "" : "s");
        std::cerr << "\n";
        if (metrics_) metrics_->progress(summary);  // the final MQTT counts
    }
}

void PublishOutputs::linger() {
    if (metrics_ && config_.metricsLinger > 0) {
        // A scraper polls every few seconds: let it see the final counts. Ctrl-C ends it early.
        const auto& stop = installStopSignals();
        const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(config_.metricsLinger);
        while (std::chrono::steady_clock::now() < until && !stop)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace resvk::app
