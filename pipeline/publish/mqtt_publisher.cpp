#include "publish/mqtt_publisher.h"

#include <mosquitto.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>

namespace resvk::publish {

namespace {

// libmosquitto hands out at most this many messages before they are written to
// the socket; the rest wait in our bounded queue (libmosquitto's is unbounded).
constexpr int kMaxOutstanding = 64;

void initLibraryOnce() {
    static const int rc = mosquitto_lib_init();
    (void)rc;
}

double unixNow() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string num(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 6);
    std::string s(buf, r.ptr);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string num(float v) {
    if (!std::isfinite(v)) return "null";
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);  // as --json writes probabilities
    return std::string(buf, r.ptr);
}

std::string reason(int rc) {
    if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
    if (rc == MOSQ_ERR_EAI) return "the host name does not resolve";
    if (rc == MOSQ_ERR_TLS)
        return "the TLS handshake failed (is --mqtt-ca the broker's CA, and the URL's host the name in its "
               "certificate?)";
    return mosquitto_strerror(rc);
}

}  // namespace

MqttPublisher::MqttPublisher(MqttOptions options) : options_(std::move(options)) {
    initLibraryOnce();
    root_ = options_.broker.prefix + "/" + options_.instance;
    const auto levels = sourceTopicLevels(options_.sources);
    for (size_t i = 0; i < levels.size(); ++i) sourceTopics_[options_.sources[i]] = levels[i];

    // The client id must differ between processes (a broker drops the older of
    // two connections with one id): instance and process id.
    const std::string id = "resvk-" + options_.instance + "-" + std::to_string(::getpid());
    mosq_ = mosquitto_new(id.c_str(), true, this);
    if (!mosq_) throw ConfigError("--publish: cannot create an MQTT client: " + reason(MOSQ_ERR_ERRNO));
    auto fail = [&](const std::string& what) {
        mosquitto_destroy(mosq_);
        mosq_ = nullptr;
        throw ConfigError(what);
    };
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    mosquitto_connect_callback_set(mosq_, &MqttPublisher::onConnect);
    mosquitto_disconnect_callback_set(mosq_, &MqttPublisher::onDisconnect);
    mosquitto_publish_callback_set(mosq_, &MqttPublisher::onPublish);
    mosquitto_reconnect_delay_set(mosq_, 1, 30, true);  // 1, 2, 4 ... 30 s between attempts
    const std::string available = root_ + "/available";
    mosquitto_will_set(mosq_, available.c_str(), 7, "offline", 1, true);
    if (!options_.broker.user.empty() || options_.password)
        mosquitto_username_pw_set(mosq_, options_.broker.user.empty() ? nullptr : options_.broker.user.c_str(),
                                  options_.password ? options_.password->c_str() : nullptr);
    if (options_.broker.tls) {
        const char* caFile = options_.caFile.empty() ? nullptr : options_.caFile.c_str();
        const char* caPath = caFile ? nullptr : "/etc/ssl/certs";
        if (mosquitto_tls_set(mosq_, caFile, caPath, nullptr, nullptr, nullptr) != MOSQ_ERR_SUCCESS)
            fail("--mqtt-ca '" + options_.caFile + "': not a readable CA certificate file");
    }
    const int rc = mosquitto_connect_async(mosq_, options_.broker.host.c_str(), options_.broker.port, 30);
    if (rc != MOSQ_ERR_SUCCESS) {
        std::lock_guard lock(mutex_);
        lastError_ = reason(rc);
        connectFailed_ = true;
    }
    // The network thread retries a failed first connect with the same backoff.
    if (mosquitto_loop_start(mosq_) != MOSQ_ERR_SUCCESS) fail("--publish: cannot start the MQTT network thread");
    sender_ = std::thread([this] { sendLoop(); });
}

MqttPublisher::~MqttPublisher() {
    close();
}

std::string MqttPublisher::broker() const {
    const auto& b = options_.broker;
    const bool v6 = b.host.find(':') != std::string::npos;
    return (v6 ? "[" + b.host + "]" : b.host) + ":" + std::to_string(b.port);
}

std::string MqttPublisher::waitConnected(double seconds) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return counters_.connected || connectFailed_; });
    if (counters_.connected) return "";
    if (!lastError_.empty()) return lastError_;
    // libmosquitto's network thread ends on a failed TLS handshake without a callback.
    if (options_.broker.tls)
        return "no answer within " + num(seconds) +
               " s (is --mqtt-ca the broker's CA, and the URL's host the name in its certificate?)";
    return "no answer within " + num(seconds) + " s";
}

void MqttPublisher::onConnect(mosquitto* m, void* self, int rc) {
    auto* p = static_cast<MqttPublisher*>(self);
    const std::string available = p->root_ + "/available";
    if (rc == 0) mosquitto_publish(m, nullptr, available.c_str(), 6, "online", 1, true);
    bool again = false;
    int64_t dropped = 0;
    {
        std::lock_guard lock(p->mutex_);
        if (rc != 0) {
            p->lastError_ = std::string("the broker refused the connection: ") + mosquitto_connack_string(rc);
            p->connectFailed_ = true;
        } else {
            again = p->everConnected_;
            if (again) ++p->counters_.reconnects;
            p->everConnected_ = true;
            p->counters_.connected = true;
            p->outstanding_ = 0;  // what was in flight before went with the old connection
            dropped = p->counters_.dropped;
        }
    }
    p->wake_.notify_all();
    if (again)
        std::cerr << "resvk: MQTT broker " << p->broker() << ": connected again (" << dropped
                  << " frame messages dropped so far)\n";
}

void MqttPublisher::onDisconnect(mosquitto*, void* self, int rc) {
    auto* p = static_cast<MqttPublisher*>(self);
    bool warn = false;
    {
        std::lock_guard lock(p->mutex_);
        warn = p->counters_.connected && !p->closing_;
        p->counters_.connected = false;
        // A refusal (onConnect) says more than the disconnect that follows it.
        if (rc != 0 && !(p->connectFailed_ && !p->everConnected_)) p->lastError_ = reason(rc);
        if (!p->everConnected_) p->connectFailed_ = true;
    }
    p->wake_.notify_all();
    if (warn)
        std::cerr << "resvk: warning: MQTT broker " << p->broker()
                  << ": connection lost; classifying on, keeping up to " << p->options_.queueLimit
                  << " frame messages and reconnecting\n";
}

void MqttPublisher::onPublish(mosquitto*, void* self, int) {
    auto* p = static_cast<MqttPublisher*>(self);
    {
        std::lock_guard lock(p->mutex_);
        p->outstanding_ = std::max(0, p->outstanding_ - 1);
    }
    p->wake_.notify_all();
}

std::string MqttPublisher::topicFor(const std::string& source) const {
    auto it = sourceTopics_.find(source);
    return root_ + "/" + (it != sourceTopics_.end() ? it->second : topicLevel(source));
}

void MqttPublisher::enqueueFrame(Message m) {
    {
        std::lock_guard lock(mutex_);
        if (closed_) return;
        while (frames_.size() >= std::max<size_t>(1, options_.queueLimit)) {
            frames_.pop_front();  // the oldest goes: the newest results matter most
            ++counters_.dropped;
        }
        frames_.push_back(std::move(m));
    }
    wake_.notify_all();
}

void MqttPublisher::write(const classify::FrameResult& r) {
    const std::string topic = topicFor(r.source);
    enqueueFrame({topic + "/frame", classify::toJson(r), 0, false});
    if (r.top.empty()) return;
    // State: only when the top-1 label changes (the first result is a change from
    // nothing), per source and region; a region's state is retained on its own
    // topic, SOURCE/REGION/state (region names are topic-safe: [A-Za-z0-9_.-]).
    const auto& best = r.top.front();
    std::lock_guard lock(mutex_);
    if (closed_) return;
    auto [it, first] = topLabel_.try_emplace(r.source + '\n' + r.region, best.label);
    if (!first && it->second == best.label) return;
    const std::string previous = first ? "null" : classify::jsonEscape(it->second);
    it->second = best.label;
    std::string payload =
        "{\"label\":" + classify::jsonEscape(best.label) + ",\"index\":" + std::to_string(best.index) +
        ",\"prob\":" + num(best.prob) + ",\"since\":" + num(r.wallTime) + ",\"previous\":" + previous +
        ",\"frame\":" + std::to_string(r.frame) + ",\"source\":" + classify::jsonEscape(r.source) +
        (r.region.empty() ? std::string() : ",\"region\":" + classify::jsonEscape(r.region)) + "}";
    if (states_.size() >= std::max<size_t>(1, options_.queueLimit)) {
        states_.pop_front();
        ++counters_.dropped;
    }
    const std::string stateTopic = topic + (r.region.empty() ? "" : "/" + r.region) + "/state";
    states_.push_back(Message{stateTopic, std::move(payload), 1, true});
    wake_.notify_all();
}

void MqttPublisher::publishStats(const classify::RunSummary& s) {
    std::string payload = "{\"instance\":" + classify::jsonEscape(options_.instance) +
                          ",\"summary\":" + classify::toJson(s) + ",\"sources\":[";
    for (size_t i = 0; i < s.sources.size(); ++i) {
        const auto& src = s.sources[i];
        if (i) payload += ',';
        auto it = sourceTopics_.find(src.source);
        payload += "{\"source\":" + classify::jsonEscape(src.source) + ",\"topic\":" +
                   classify::jsonEscape(it != sourceTopics_.end() ? it->second : topicLevel(src.source)) +
                   ",\"decoded\":" + std::to_string(src.decoded) + ",\"classified\":" + std::to_string(src.classified) +
                   ",\"dropped\":" + std::to_string(src.dropped) + ",\"damaged\":" + std::to_string(src.damaged) +
                   ",\"reconnects\":" + std::to_string(src.reconnects) + "}";
    }
    std::lock_guard lock(mutex_);
    if (closed_) return;
    payload += "],\"mqtt\":{\"published\":" + std::to_string(counters_.published) +
               ",\"dropped\":" + std::to_string(counters_.dropped) +
               ",\"queued\":" + std::to_string(int64_t(frames_.size())) +
               ",\"reconnects\":" + std::to_string(counters_.reconnects) + "}}";
    stats_ = Message{root_ + "/stats", std::move(payload), 0, false};
    wake_.notify_all();
}

void MqttPublisher::progress(const classify::RunSummary& soFar) {
    const double now = unixNow();
    if (now - lastStatsAt_ < options_.statsSeconds) return;
    lastStatsAt_ = now;
    publishStats(soFar);
}

void MqttPublisher::summary(const classify::RunSummary& s) {
    publishStats(s);
}

void MqttPublisher::sendLoop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] {
            return closed_ || (counters_.connected && outstanding_ < kMaxOutstanding &&
                               (!states_.empty() || stats_ || !frames_.empty()));
        });
        if (closed_) return;
        // States first (what automations react to), then stats, then frames.
        std::deque<Message>* from = !states_.empty() ? &states_ : stats_ ? nullptr : &frames_;
        Message m;
        if (from) {
            m = std::move(from->front());
            from->pop_front();
        } else {
            m = std::move(*stats_);
            stats_.reset();
        }
        ++outstanding_;
        lock.unlock();
        const int rc = mosquitto_publish(mosq_, nullptr, m.topic.c_str(), int(m.payload.size()), m.payload.data(),
                                         m.qos, m.retain);
        lock.lock();
        if (rc == MOSQ_ERR_SUCCESS) {
            ++counters_.published;
        } else {
            --outstanding_;
            if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST) {
                // Lost between the check and the send: put it back for the next connection.
                counters_.connected = false;
                if (from)
                    from->push_front(std::move(m));
                else if (!stats_)
                    stats_ = std::move(m);  // unless a newer one came meanwhile
            } else if (from) {
                ++counters_.dropped;  // e.g. larger than the broker allows: nothing to retry
            }
        }
    }
}

void MqttPublisher::close(double flushSeconds) {
    {
        std::unique_lock lock(mutex_);
        if (closed_ || !mosq_) return;
        closing_ = true;
        // Let the sender finish what is queued while the broker is there.
        wake_.wait_for(lock, std::chrono::duration<double>(flushSeconds), [&] {
            return !counters_.connected || (frames_.empty() && states_.empty() && !stats_ && outstanding_ == 0);
        });
        closed_ = true;
    }
    wake_.notify_all();
    if (sender_.joinable()) sender_.join();
    bool connected;
    {
        std::lock_guard lock(mutex_);
        connected = counters_.connected;
    }
    if (connected) {
        // A clean disconnect does not fire the last will: say "offline" ourselves.
        const std::string available = root_ + "/available";
        std::unique_lock lock(mutex_);
        outstanding_ = 1;
        lock.unlock();
        mosquitto_publish(mosq_, nullptr, available.c_str(), 7, "offline", 1, true);
        lock.lock();
        wake_.wait_for(lock, std::chrono::seconds(1), [&] { return outstanding_ == 0 || !counters_.connected; });
    }
    mosquitto_disconnect(mosq_);
    mosquitto_loop_stop(mosq_, !connected);  // force: a thread still trying to connect is cancelled
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
}

MqttCounters MqttPublisher::counters() const {
    std::lock_guard lock(mutex_);
    MqttCounters c = counters_;
    c.queued = int64_t(frames_.size());
    return c;
}

}  // namespace resvk::publish
