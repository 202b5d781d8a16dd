#include "publish/topics.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace resvk::publish {

namespace {

bool safeChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

[[noreturn]] void bad(const std::string& url, const std::string& why) {
    throw ConfigError("--publish '" + url + "': " + why +
                      " (expected mqtt://[USER@]HOST[:PORT][/PREFIX] or mqtts://...)");
}

}  // namespace

BrokerUrl parseBrokerUrl(const std::string& url) {
    BrokerUrl b;
    std::string rest;
    if (url.rfind("mqtt://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("mqtts://", 0) == 0) {
        rest = url.substr(8);
        b.tls = true;
        b.port = 8883;
    } else {
        bad(url, "the scheme must be mqtt:// or mqtts://");
    }
    const size_t slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) {
        std::string prefix = rest.substr(slash + 1);
        while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
        if (!prefix.empty()) {
            if (prefix.find_first_of("+#") != std::string::npos)
                bad(url, "the topic prefix may not contain the wildcards + or #");
            if (prefix.find("//") != std::string::npos || prefix.front() == '/')
                bad(url, "the topic prefix has an empty level");
            b.prefix = prefix;
        }
    }
    if (const size_t at = authority.rfind('@'); at != std::string::npos) {
        b.user = authority.substr(0, at);
        authority = authority.substr(at + 1);
        if (b.user.find(':') != std::string::npos)
            bad(url,
                "a password does not belong in the URL (any user can read command lines); use "
                "RESVK_MQTT_PASSWORD or --mqtt-password-file");
        if (b.user.empty()) bad(url, "the user name before '@' is empty");
    }
    std::string port;
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
        const size_t close = authority.find(']');
        if (close == std::string::npos) bad(url, "an IPv6 address needs its closing ']'");
        b.host = authority.substr(1, close - 1);
        const std::string after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') bad(url, "unexpected text after ']'");
            port = after.substr(1);
            if (port.empty()) bad(url, "the port after ':' is empty");
        }
    } else {
        const size_t colon = authority.find(':');
        b.host = authority.substr(0, colon);
        if (colon != std::string::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) bad(url, "the port after ':' is empty");
        }
    }
    if (b.host.empty()) bad(url, "no broker host");
    if (!port.empty()) {
        if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
            bad(url, "the port '" + port + "' is not a number from 1 to 65535");
        b.port = std::stoi(port);
        if (b.port < 1 || b.port > 65535) bad(url, "the port '" + port + "' is not a number from 1 to 65535");
    }
    return b;
}

std::string topicLevel(const std::string& name) {
    std::string s = name;
    if (const size_t scheme = s.find("://"); scheme != std::string::npos) {
        s = s.substr(scheme + 3);
        const size_t end = s.find('/');
        if (const size_t at = s.rfind('@', end); at != std::string::npos) s = s.substr(at + 1);
    } else if (s.find(':') == std::string::npos) {  // a path, not lavfi:... or camera:0
        if (const size_t slash = s.find_last_of('/'); slash != std::string::npos && slash + 1 < s.size())
            s = s.substr(slash + 1);
    }
    std::string out;
    for (char c : s) {
        if (safeChar(c))
            out += c;
        else if (out.empty() || out.back() != '_')
            out += '_';
    }
    while (!out.empty() && out.front() == '_') out.erase(out.begin());
    while (!out.empty() && out.back() == '_') out.pop_back();
    if (out.size() > 64) out.resize(64);
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out.empty() ? "source" : out;
}

std::vector<std::string> sourceTopicLevels(const std::vector<std::string>& sources) {
    std::vector<std::string> out;
    std::set<std::string> taken;
    for (const auto& s : sources) {
        const std::string base = topicLevel(s);
        std::string name = base;
        for (int k = 2; taken.count(name); ++k) name = base + "-" + std::to_string(k);
        taken.insert(name);
        out.push_back(name);
    }
    return out;
}

std::string withoutCredentials(const std::string& source) {
    const size_t scheme = source.find("://");
    if (scheme == std::string::npos) return source;
    const size_t start = scheme + 3;
    const size_t end = source.find('/', start);
    const size_t at = source.rfind('@', end);
    if (at == std::string::npos || at < start) return source;
    return source.substr(0, start) + source.substr(at + 1);
}

std::string checkInstance(const std::string& instance) {
    if (instance.empty() || instance.size() > 64 || !std::all_of(instance.begin(), instance.end(), safeChar))
        throw ConfigError("--instance '" + instance +
                          "': use 1-64 of the characters A-Z a-z 0-9 . _ - (it is one MQTT topic level)");
    return instance;
}

std::string defaultInstance() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) return "resvk";
    return topicLevel(host);
}

}  // namespace resvk::publish
