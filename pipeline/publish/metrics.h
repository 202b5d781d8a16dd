#pragma once
// Prometheus metrics (Debian's prometheus-cpp: its pull Exposer serves /metrics
// in the text format from an embedded civetweb). A ResultSink: per-frame
// results feed the latency histogram and the top-1 gauge; the run summary
// (progress() about once a second, summary() at the end) feeds the counters,
// so that after the run they equal the summary resvk prints.
//
//   resvk_frames_{decoded,classified,dropped,damaged}_total{source}
//   resvk_source_reconnects_total{source}
//   resvk_latency_seconds{source}                 histogram, decode -> result
//   resvk_inference_batches_total, resvk_inference_seconds_total
//                                                 network batches and their submit -> results time
//   resvk_top1_probability{source,label}          the current (smoothed) top-1 label
//   resvk_mqtt_{published,dropped}_total, resvk_mqtt_queue_depth, resvk_mqtt_connected
//   resvk_device_info{device,model,instance}      1
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "classify/result_sink.h"
#include "publish/mqtt_publisher.h"

namespace prometheus {
class Exposer;
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace resvk::publish {

// --metrics [ADDR:]PORT as civetweb's listening address: "9100" -> "127.0.0.1:9100";
// "0.0.0.0:9100", "[::1]:9100" as given. PORT 0 picks a free one. Throws ConfigError.
std::string metricsListenAddress(const std::string& option);

struct MetricsOptions {
    std::string listen;  // from metricsListenAddress()
    std::vector<std::string> sources;
    std::string device, model, instance;
    std::function<MqttCounters()> mqtt;  // empty without --publish
};

class MetricsServer : public classify::ResultSink {
public:
    // Listens at once; throws ConfigError naming the address when it cannot.
    explicit MetricsServer(MetricsOptions options);
    ~MetricsServer() override;

    std::string url() const;  // http://ADDR:PORT/metrics, with the port actually bound

    void write(const classify::FrameResult& result) override;
    void progress(const classify::RunSummary& soFar) override;
    void summary(const classify::RunSummary& summary) override { progress(summary); }

private:
    struct Source;
    Source& source(const std::string& name);

    MetricsOptions options_;
    std::shared_ptr<prometheus::Registry> registry_;
    std::unique_ptr<prometheus::Exposer> exposer_;
    prometheus::Family<prometheus::Counter>*decoded_, *classified_, *dropped_, *damaged_, *reconnects_;
    prometheus::Family<prometheus::Histogram>* latency_;
    prometheus::Family<prometheus::Gauge>* top1_;
    prometheus::Counter *batches_, *batchSeconds_;
    prometheus::Counter *mqttPublished_ = nullptr, *mqttDropped_ = nullptr;
    prometheus::Gauge *mqttQueue_ = nullptr, *mqttConnected_ = nullptr;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Source>> sources_;
    classify::RunSummary last_;  // what the counters hold so far
    MqttCounters lastMqtt_;
};

}  // namespace resvk::publish
