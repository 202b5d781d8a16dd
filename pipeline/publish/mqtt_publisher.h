#pragma once
// Results over MQTT (libmosquitto): a ResultSink that never blocks the frame
// loop. write() only formats the message and puts it in a bounded queue; a
// sender thread hands queued messages to libmosquitto, whose own network thread
// (mosquitto_loop_start) connects, sends and reconnects with backoff. While
// the broker is away the queue keeps the newest `queueLimit` frame messages and
// drops (and counts) the oldest. State changes wait in a queue of their own (as
// many, oldest dropped beyond that), so frame traffic never pushes them out, and
// go first; of `stats` only the newest is kept.
//
// Topics (see topics.h for the names):
//   PREFIX/INSTANCE/SOURCE/frame  QoS 0, the object `--json` prints for the frame
//   PREFIX/INSTANCE/SOURCE/state  QoS 1, retained, when the (smoothed) top-1 changes:
//                                 {"label","index","prob","since","previous","frame","source"}
//   PREFIX/INSTANCE/available     QoS 1, retained: "online" on every connect,
//                                 "offline" as the last will and on close()
//   PREFIX/INSTANCE/stats         QoS 0, every `statsSeconds` and at the end:
//                                 {"instance","summary":{..},"sources":[..],"mqtt":{..}}
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "classify/result_sink.h"
#include "publish/topics.h"

struct mosquitto;

namespace resvk::publish {

struct MqttOptions {
    BrokerUrl broker;
    std::optional<std::string> password;  // from RESVK_MQTT_PASSWORD or a file, never argv
    std::string caFile;                   // mqtts: the CA certificate(s); empty: the system's (/etc/ssl/certs)
    std::string instance;
    std::vector<std::string> sources;  // as the user named them (FrameResult::source)
    size_t queueLimit = 1000;          // frame messages kept while the broker is away
    double statsSeconds = 5.0;
};

struct MqttCounters {
    int64_t published = 0;   // messages handed to the connection
    int64_t dropped = 0;     // frame messages dropped (queue full while the broker was away)
    int64_t queued = 0;      // waiting now
    int64_t reconnects = 0;  // connections after the first
    bool connected = false;
};

class MqttPublisher : public classify::ResultSink {
public:
    // Starts connecting in the background; throws ConfigError for TLS files that
    // cannot be used.
    explicit MqttPublisher(MqttOptions options);
    ~MqttPublisher() override;  // close()s
    MqttPublisher(const MqttPublisher&) = delete;
    MqttPublisher& operator=(const MqttPublisher&) = delete;

    // Waits up to `seconds` for the first connection: "" when connected, else
    // why not (refused, unreachable, no answer in time).
    std::string waitConnected(double seconds);

    void write(const classify::FrameResult& result) override;    // frame, and state on a top-1 change
    void progress(const classify::RunSummary& soFar) override;   // stats every statsSeconds
    void summary(const classify::RunSummary& summary) override;  // the final stats

    // Sends what is queued (waiting up to `flushSeconds` for a broker that is
    // there), publishes "offline" and disconnects. Idempotent.
    void close(double flushSeconds = 2.0);

    MqttCounters counters() const;
    std::string broker() const;                             // "HOST:PORT", for messages
    const std::string& topicRoot() const { return root_; }  // PREFIX/INSTANCE

private:
    struct Message {
        std::string topic, payload;
        int qos = 0;
        bool retain = false;
    };
    void sendLoop();
    void enqueueFrame(Message m);
    void publishStats(const classify::RunSummary& s);
    std::string topicFor(const std::string& source) const;
    static void onConnect(mosquitto*, void* self, int rc);
    static void onDisconnect(mosquitto*, void* self, int rc);
    static void onPublish(mosquitto*, void* self, int mid);

    MqttOptions options_;
    std::string root_;
    std::map<std::string, std::string> sourceTopics_;  // FrameResult::source -> topic level
    mosquitto* mosq_ = nullptr;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Message> frames_;
    std::deque<Message> states_;
    std::optional<Message> stats_;                 // the newest only
    std::map<std::string, std::string> topLabel_;  // per source + "\n" + region: the label last published as state
    MqttCounters counters_;
    int outstanding_ = 0;  // handed to libmosquitto, not yet written out
    bool everConnected_ = false, connectFailed_ = false, closing_ = false, closed_ = false;
    std::string lastError_;
    double lastStatsAt_ = 0.0;
    std::thread sender_;
};

}  // namespace resvk::publish
