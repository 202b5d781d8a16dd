#include "json.h"

#include "classify/result_sink.h"

#include <cmath>
#include <cstdio>

namespace resvk::app {

void Json::separate() {
    if (afterKey_) {
        afterKey_ = false;
        return;
    }
    if (!first_.empty()) {
        if (!first_.back()) out_ += ",";
        first_.back() = false;
    }
}

Json& Json::open(char bracket) {
    separate();
    out_ += bracket;
    first_.push_back(true);
    return *this;
}
Json& Json::close(char bracket) {
    out_ += bracket;
    first_.pop_back();
    return *this;
}
Json& Json::beginObject() {
    return open('{');
}
Json& Json::endObject() {
    return close('}');
}
Json& Json::beginArray() {
    return open('[');
}
Json& Json::endArray() {
    return close(']');
}

Json& Json::key(const std::string& name) {
    separate();
    out_ += classify::jsonEscape(name) + ":";
    afterKey_ = true;
    return *this;
}

Json& Json::value(const std::string& text) {
    separate();
    out_ += classify::jsonEscape(text);
    return *this;
}

Json& Json::value(double number) {
    separate();
    if (!std::isfinite(number)) {
        out_ += "null";
        return *this;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", number);
    out_ += buf;
    return *this;
}

Json& Json::value(int64_t number) {
    separate();
    out_ += std::to_string(number);
    return *this;
}
Json& Json::value(bool flag) {
    separate();
    out_ += flag ? "true" : "false";
    return *this;
}
Json& Json::null() {
    separate();
    out_ += "null";
    return *this;
}

}  // namespace resvk::app
