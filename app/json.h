#pragma once
// A minimal JSON writer: enough for the CLI's --json output, no dependencies.
#include <cstdint>
#include <string>
#include <vector>

namespace resvk::app {

// Streaming writer; commas and nesting handled for the caller.
//   Json j; j.beginObject(); j.key("a").value(1); j.endObject(); j.str()
class Json {
public:
    Json& beginObject();
    Json& endObject();
    Json& beginArray();
    Json& endArray();
    Json& key(const std::string& name);
    Json& value(const std::string& text);
    Json& value(const char* text) { return value(std::string(text)); }
    Json& value(double number);  // non-finite numbers become null
    Json& value(int64_t number);
    Json& value(int number) { return value(static_cast<int64_t>(number)); }
    Json& value(bool flag);
    Json& null();
    const std::string& str() const { return out_; }

private:
    void separate();
    Json& open(char bracket);  // a container starts / ends
    Json& close(char bracket);
    std::string out_;
    std::vector<bool> first_;  // per open container: nothing written yet
    bool afterKey_ = false;
};

}  // namespace resvk::app
