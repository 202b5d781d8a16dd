#include "publish/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <map>

namespace resvk::publish {

std::string metricsListenAddress(const std::string& option) {
    std::string host = "127.0.0.1", port = option;
    if (const size_t colon = option.rfind(':'); colon != std::string::npos) {
        host = option.substr(0, colon);
        port = option.substr(colon + 1);
        if (host.empty()) throw ConfigError("--metrics '" + option + "': the address before ':' is empty");
        if (host.find(':') != std::string::npos && (host.front() != '[' || host.back() != ']'))
            throw ConfigError("--metrics '" + option + "': write an IPv6 address in brackets, [::1]:9100");
    }
    const bool digits = !port.empty() && port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(port) > 65535)
        throw ConfigError("--metrics '" + option +
                          "': expected [ADDR:]PORT with PORT 0-65535, e.g. 9100 or 0.0.0.0:9100");
    return host + ":" + port;
}

// One source's series.
struct MetricsServer::Source {
    prometheus::Counter *decoded, *classified, *dropped, *damaged, *reconnects;
    prometheus::Histogram* latency;
    // The current top-1 per region ("" = the whole frame): one series each, whose
    // label changes with the prediction.
    struct Top1 {
        prometheus::Gauge* gauge = nullptr;
        std::string label;
    };
    std::map<std::string, Top1> top1;
    int64_t lastFrame = -1;  // latency once per frame, however many regions it has
    classify::SourceSummary last;
};

MetricsServer::MetricsServer(MetricsOptions options) : options_(std::move(options)) {
    using namespace prometheus;
    registry_ = std::make_shared<Registry>();
    auto counter = [&](const char* name, const char* help) {
        return &BuildCounter().Name(name).Help(help).Register(*registry_);
    };
    decoded_ = counter("resvk_frames_decoded_total", "Frames decoded, per source");
    classified_ = counter("resvk_frames_classified_total", "Frames classified by the network, per source");
    dropped_ = counter("resvk_frames_dropped_total", "Frames of live sources dropped because inference was busy");
    damaged_ = counter("resvk_frames_damaged_total", "Frames the decoder reported as damaged");
    reconnects_ = counter("resvk_source_reconnects_total", "Times a live source was reopened");
    latency_ = &BuildHistogram()
                    .Name("resvk_latency_seconds")
                    .Help("Decode to result time of classified frames")
                    .Register(*registry_);
    top1_ = &BuildGauge()
                 .Name("resvk_top1_probability")
                 .Help("Probability of the current (smoothed) top-1 label, one series per source")
                 .Register(*registry_);
    batches_ = &counter("resvk_inference_batches_total", "Network batches run")->Add({});
    batchSeconds_ = &counter("resvk_inference_seconds_total",
                             "Summed wall time of network batches, from submit to results read back")
                         ->Add({});
    BuildGauge()
        .Name("resvk_device_info")
        .Help("The Vulkan device and model this process runs")
        .Register(*registry_)
        .Add({{"device", options_.device}, {"model", options_.model}, {"instance", options_.instance}})
        .Set(1);
    if (options_.mqtt) {
        mqttPublished_ =
            &counter("resvk_mqtt_published_total", "MQTT messages handed to the broker connection")->Add({});
        mqttDropped_ =
            &counter("resvk_mqtt_dropped_total", "MQTT frame messages dropped while the broker was away")->Add({});
        mqttQueue_ = &BuildGauge()
                          .Name("resvk_mqtt_queue_depth")
                          .Help("MQTT frame messages waiting")
                          .Register(*registry_)
                          .Add({});
        mqttConnected_ = &BuildGauge()
                              .Name("resvk_mqtt_connected")
                              .Help("1 while connected to the MQTT broker")
                              .Register(*registry_)
                              .Add({});
    }
    for (const auto& s : options_.sources) source(s);  // every source shows from the start, at 0

    try {
        exposer_ = std::make_unique<Exposer>(options_.listen, 1);
    } catch (const std::exception&) {
        throw ConfigError("--metrics: cannot listen on " + options_.listen +
                          " (the port is in use, or the address is not one of this machine's)");
    }
    exposer_->RegisterCollectable(registry_);
}

MetricsServer::~MetricsServer() = default;

std::string MetricsServer::url() const {
    const auto ports = exposer_->GetListeningPorts();
    std::string host = options_.listen.substr(0, options_.listen.rfind(':'));
    return "http://" + host + ":" + (ports.empty() ? std::string("?") : std::to_string(ports.front())) + "/metrics";
}

MetricsServer::Source& MetricsServer::source(const std::string& name) {
    auto& slot = sources_[name];
    if (!slot) {
        const prometheus::Labels l{{"source", withoutCredentials(name)}};
        // Buckets from 5 ms (a GPU) to 10 s (a big model on a CPU driver).
        const prometheus::Histogram::BucketBoundaries buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                              0.5,   1.0,  2.5,   5.0,  10.0};
        slot = std::make_unique<Source>(Source{&decoded_->Add(l), &classified_->Add(l), &dropped_->Add(l),
                                               &damaged_->Add(l), &reconnects_->Add(l), &latency_->Add(l, buckets)});
    }
    return *slot;
}

void MetricsServer::write(const classify::FrameResult& r) {
    std::lock_guard lock(mutex_);
    Source& s = source(r.source);
    if (r.frame != s.lastFrame) s.latency->Observe(r.latencyMs / 1000.0);
    s.lastFrame = r.frame;
    if (r.top.empty()) return;
    const auto& best = r.top.front();
    Source::Top1& t = s.top1[r.region];
    if (!t.gauge || t.label != best.label) {
        // One series per source and region: the old label's series goes when the label changes.
        if (t.gauge) top1_->Remove(t.gauge);
        prometheus::Labels labels{{"source", withoutCredentials(r.source)}, {"label", best.label}};
        if (!r.region.empty()) labels["region"] = r.region;
        t.gauge = &top1_->Add(labels);
        t.label = best.label;
    }
    t.gauge->Set(best.prob);
}

void MetricsServer::progress(const classify::RunSummary& soFar) {
    std::lock_guard lock(mutex_);
    // Counters only grow: add what is new since the last summary.
    auto grow = [](prometheus::Counter* c, int64_t now, int64_t& before) {
        if (now > before) c->Increment(double(now - before));
        before = std::max(before, now);
    };
    for (const auto& src : soFar.sources) {
        Source& s = source(src.source);
        grow(s.decoded, src.decoded, s.last.decoded);
        grow(s.classified, src.classified, s.last.classified);
        grow(s.dropped, src.dropped, s.last.dropped);
        grow(s.damaged, src.damaged, s.last.damaged);
        grow(s.reconnects, src.reconnects, s.last.reconnects);
    }
    grow(batches_, soFar.batches, last_.batches);
    if (soFar.batchSeconds > last_.batchSeconds) {
        batchSeconds_->Increment(soFar.batchSeconds - last_.batchSeconds);
        last_.batchSeconds = soFar.batchSeconds;
    }
    if (options_.mqtt) {
        const MqttCounters m = options_.mqtt();
        grow(mqttPublished_, m.published, lastMqtt_.published);
        grow(mqttDropped_, m.dropped, lastMqtt_.dropped);
        mqttQueue_->Set(double(m.queued));
        mqttConnected_->Set(m.connected ? 1 : 0);
    }
}

}  // namespace resvk::publish
