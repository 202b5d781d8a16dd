// Result sinks: exact JSON Lines / CSV text, escaping, and the percentile helper.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "classify/result_sink.h"

using namespace resvk::classify;

namespace {
FrameResult sample() {
    FrameResult r;
    r.source = "clip.mp4";
    r.frame = 12;
    r.pts = 0.48;
    r.wallTime = 1700000000.123;
    r.latencyMs = 35.2;
    r.top = {{"fox squirrel", 335, 0.91f}, {"hare", 331, 0.05f}};
    return r;
}
}  // namespace

TEST_CASE("percentile: linear interpolation between ranks", "[result_sink]") {
    CHECK(percentile({1, 2, 3, 4}, 50) == Approx(2.5));
    CHECK(percentile({4, 1, 3, 2}, 0) == 1);
    CHECK(percentile({4, 1, 3, 2}, 100) == 4);
    CHECK(percentile({10}, 95) == 10);
    std::vector<double> v;
    for (int i = 1; i <= 100; ++i) v.push_back(i);
    CHECK(percentile(v, 95) == Approx(95.05));
    CHECK(percentile(v, 50) == Approx(50.5));
    CHECK(std::isnan(percentile({}, 50)));
}

TEST_CASE("appendToWindow keeps the latest values in bounded memory", "[result_sink]") {
    std::vector<double> window;
    for (int i = 1; i <= 1000; ++i) {
        appendToWindow(window, i, 4);
        REQUIRE(window.size() <= 8);
        REQUIRE(window.size() >= std::min<size_t>(size_t(i), 4));
        CHECK(window.back() == i);
    }
    CHECK(std::vector<double>(window.end() - 4, window.end()) == std::vector<double>{997, 998, 999, 1000});
    CHECK(std::is_sorted(window.begin(), window.end()));  // oldest first, nothing reordered
}

TEST_CASE("json lines: exact record and summary", "[result_sink]") {
    std::ostringstream out;
    JsonLinesSink sink(out);
    sink.write(sample());
    RunSummary s;
    s.decoded = 270;
    s.classified = 260;
    s.dropped = 10;
    s.damaged = 1;
    s.fps = 24.5;
    s.latencyP50Ms = 30.25;
    s.latencyP95Ms = 41.0;
    s.seconds = 11.0;
    s.reconnects = 1;
    s.sources = {{"clip.mp4", 100, 95, 0, 1, 0}, {"udp://127.0.0.1:5000", 170, 165, 10, 0, 1}};  // source, decoded, classified, dropped, damaged, reconnects
    sink.summary(s);
    CHECK(out.str() ==
          "{\"source\":\"clip.mp4\",\"frame\":12,\"pts\":0.48,\"time\":1700000000.123,\"latency_ms\":35.2,"
          "\"top\":[{\"label\":\"fox "
          "squirrel\",\"index\":335,\"prob\":0.91},{\"label\":\"hare\",\"index\":331,\"prob\":0.05}]}\n"
          "{\"summary\":{\"decoded\":270,\"classified\":260,\"dropped\":10,\"damaged\":1,\"reconnects\":1,"
          "\"fps\":24.5,\"latency_p50_ms\":30.25,\"latency_p95_ms\":41,\"seconds\":11,\"sources\":["
          "{\"source\":\"clip.mp4\",\"decoded\":100,\"dropped\":0,\"damaged\":1,\"reconnects\":0},"
          "{\"source\":\"udp://127.0.0.1:5000\",\"decoded\":170,\"dropped\":10,\"damaged\":0,\"reconnects\":1}]}}\n");
}

TEST_CASE("json lines and csv: a region of interest is named; whole frames have none", "[result_sink]") {
    std::ostringstream json, csv;
    JsonLinesSink jsonSink(json);
    CsvSink csvSink(csv, nullptr);
    FrameResult r = sample();
    r.region = "door, left";
    jsonSink.write(r);
    csvSink.write(r);
    CHECK(json.str().rfind("{\"source\":\"clip.mp4\",\"region\":\"door, left\",\"frame\":12,", 0) == 0);
    CHECK(csv.str() ==
          "source,region,frame,pts,time,latency_ms,rank,label,index,prob\n"
          "clip.mp4,\"door, left\",12,0.48,1700000000.123,35.2,1,fox squirrel,335,0.91\n"
          "clip.mp4,\"door, left\",12,0.48,1700000000.123,35.2,2,hare,331,0.05\n");
}

TEST_CASE("json lines: string escaping keeps every line valid JSON", "[result_sink]") {
    CHECK(jsonEscape("plain") == "\"plain\"");
    CHECK(jsonEscape("a \"q\" \\ b") == "\"a \\\"q\\\" \\\\ b\"");
    CHECK(jsonEscape("line1\nline2\r\t") == "\"line1\\nline2\\r\\t\"");
    CHECK(jsonEscape(std::string("nul\0x\x01\x1f", 7)) == "\"nul\\u0000x\\u0001\\u001f\"");
    CHECK(jsonEscape("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\xA6\x8A") ==
          "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\xA6\x8A\"");                   // UTF-8 kept
    CHECK(jsonEscape("bad\xFF\xC3(") == "\"bad\xEF\xBF\xBD\xEF\xBF\xBD(\"");  // invalid bytes -> U+FFFD
    CHECK(jsonEscape("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");          // overlong '/'
    CHECK(jsonEscape("\xE2\x80\xA8") == "\"\\u2028\"");

    std::ostringstream out;
    JsonLinesSink sink(out);
    FrameResult r = sample();
    r.source = "C:\\videos\\\"my\" clip\n.mp4";
    r.pts = std::numeric_limits<double>::quiet_NaN();
    r.top = {};
    sink.write(r);
    const std::string line = out.str();
    CHECK(line.find("\"source\":\"C:\\\\videos\\\\\\\"my\\\" clip\\n.mp4\"") != std::string::npos);
    CHECK(line.find("\"pts\":null") != std::string::npos);
    CHECK(line.find("\"top\":[]") != std::string::npos);
    CHECK(std::count(line.begin(), line.end(), '\n') == 1);  // exactly one physical line
}

TEST_CASE("csv: header once, one row per rank, RFC 4180 quoting", "[result_sink]") {
    CHECK(csvField("plain") == "plain");
    CHECK(csvField("a,b") == "\"a,b\"");
    CHECK(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csvField("two\nlines") == "\"two\nlines\"");

    std::ostringstream out, summary;
    CsvSink sink(out, &summary);
    sink.write(sample());
    FrameResult r = sample();
    r.source = "my, \"odd\" clip.mp4";
    r.frame = 13;
    r.top = {{"crane, bird", 134, 0.5f}};
    sink.write(r);
    r.top = {};
    r.frame = 14;
    sink.write(r);
    RunSummary s;
    s.classified = 3;
    sink.summary(s);
    CHECK(out.str() ==
          "source,region,frame,pts,time,latency_ms,rank,label,index,prob\n"
          "clip.mp4,,12,0.48,1700000000.123,35.2,1,fox squirrel,335,0.91\n"
          "clip.mp4,,12,0.48,1700000000.123,35.2,2,hare,331,0.05\n"
          "\"my, \"\"odd\"\" clip.mp4\",,13,0.48,1700000000.123,35.2,1,\"crane, bird\",134,0.5\n"
          "\"my, \"\"odd\"\" clip.mp4\",,14,0.48,1700000000.123,35.2,,,,\n");
    CHECK(summary.str().rfind("# summary: decoded=0 classified=3", 0) == 0);
}

TEST_CASE("rankLabels names indices, falling back for missing labels", "[result_sink]") {
    auto ranked = rankLabels({{1, 0.7f}, {5, 0.2f}}, {"cat", "dog"});
    REQUIRE(ranked.size() == 2);
    CHECK(ranked[0].label == "dog");
    CHECK(ranked[0].index == 1);
    CHECK(ranked[1].label == "class 5");
}
