#pragma once
// Where resvk publishes: the broker URL given to --publish, and the MQTT topic
// names made from instance and source names.
//
//   mqtt://[USER@]HOST[:PORT][/PREFIX]     (default port 1883, PREFIX "resvk")
//   mqtts://[USER@]HOST[:PORT][/PREFIX]    (TLS, default port 8883)
//
// Topics: PREFIX/INSTANCE/available, PREFIX/INSTANCE/stats,
//         PREFIX/INSTANCE/SOURCE/frame, PREFIX/INSTANCE/SOURCE/state.
#include <stdexcept>
#include <string>
#include <vector>

namespace resvk::publish {

// A --publish, --instance or --metrics value that cannot work; the text names
// the option, the value and the cause.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct BrokerUrl {
    bool tls = false;
    std::string user;  // empty: anonymous
    std::string host;  // without brackets for IPv6
    int port = 1883;
    std::string prefix = "resvk";  // one or more topic levels, no wildcards
};

// Throws ConfigError for another scheme, no host, a bad port, a password in
// the URL (it would be visible in `ps`), or a prefix with + # or empty levels.
BrokerUrl parseBrokerUrl(const std::string& url);

// One topic level from any name (the topic-safe rule, also in --help and the
// README): a URL loses its scheme and any USER[:PASS]@; a file path keeps its
// file name only; then every run of characters other than A-Z a-z 0-9 . _ -
// becomes one '_', leading/trailing '_' are trimmed, at most 64 characters are
// kept, and an empty result becomes "source". So no level holds '/', '+', '#'.
//   "/videos/cam 1.mp4" -> "cam_1.mp4", "rtsp://u:p@cam.local:554/live" ->
//   "cam.local_554_live", "lavfi:testsrc2=rate=30" -> "lavfi_testsrc2_rate_30".
std::string topicLevel(const std::string& name);

// topicLevel() of every source, made unique in order: a repeated name gets
// "-2", "-3", ... appended (two clips called a.mp4 in different folders).
std::vector<std::string> sourceTopicLevels(const std::vector<std::string>& sources);

// A source name fit to show a scraper: "scheme://USER:PASS@host/..." loses the
// "USER:PASS@" (metrics are served to anyone who can reach the port).
std::string withoutCredentials(const std::string& source);

// --instance: throws ConfigError unless the name is already one topic level
// (non-empty, A-Z a-z 0-9 . _ - only), so that what the user typed is what
// subscribers see. The default instance is topicLevel(host name).
std::string checkInstance(const std::string& instance);
std::string defaultInstance();

}  // namespace resvk::publish
