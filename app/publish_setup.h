#pragma once
// --publish (MQTT) and --metrics (Prometheus) for `classify` and `view`: the
// options, and the result sinks they make (pipeline/publish/). The commands
// hand every classified frame to write(), call tick() from the frame loop and
// finish() with the run summary (before printing it), then linger().
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "args.h"
#include "classify/result_sink.h"
#include "publish/metrics.h"
#include "publish/mqtt_publisher.h"
#include "video/video_pipeline.h"

namespace resvk::app {

std::vector<OptionSpec> publishOptionSpecs();
// The paragraph of --help that explains topics and metrics (with examples).
std::string publishHelpNotes();

// What the options ask for, checked (usage errors before any slow work).
struct PublishConfig {
    std::string instance;  // --instance, else the host name
    std::optional<publish::MqttOptions> mqtt;
    bool required = false;     // --publish-required
    double connectWait = 3.0;  // seconds to wait for the broker at start
    std::optional<std::string> metricsListen;
    double metricsLinger = 0.0;  // seconds /metrics stays up after the run
};
PublishConfig publishConfig(const Args& args);

class PublishOutputs {
public:
    // Connects to the broker (waits up to connectWait: a missing broker is a
    // warning, or with --publish-required an error) and starts serving metrics.
    PublishOutputs(PublishConfig config, const std::vector<std::string>& sources, const std::string& device,
                   const std::string& model);
    ~PublishOutputs();

    bool active() const { return !sinks_.empty(); }
    void write(const classify::FrameResult& result);
    // From the frame loop: the summary so far, once a second, to the sinks.
    void tick(const video::VideoPipeline& pipeline);
    // The final summary: sends what is queued, disconnects, says what was dropped,
    // and leaves the final counts in /metrics. Call it before the summary goes to
    // stdout, so that whoever reads that line finds MQTT and /metrics final.
    void finish(const classify::RunSummary& summary);
    // Keeps /metrics up for --metrics-linger after finish() (a last scrape).
    void linger();

private:
    PublishConfig config_;
    std::unique_ptr<publish::MqttPublisher> mqtt_;
    std::unique_ptr<publish::MetricsServer> metrics_;
    std::vector<classify::ResultSink*> sinks_;
    std::chrono::steady_clock::time_point lastTick_{};
    bool finished_ = false;
};

}  // namespace resvk::app
