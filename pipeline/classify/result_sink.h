#pragma once
// Machine-readable results: one record per classified frame, as JSON Lines or CSV,
// plus a run summary. Meant for `--output-format jsonl|csv` style options: the
// stream is flushed after every record so a consumer (jq, a pipe, tail -f) sees
// results as they happen.
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "classify/topk.h"

namespace resvk::classify {

// One entry of a frame's top-k, best first.
struct RankedLabel {
    std::string label;
    int index = 0;
    float prob = 0.0f;
};

// Pairs top-k predictions with their class names (labelFor() rules: a missing
// name becomes "class <index>").
std::vector<RankedLabel> rankLabels(const std::vector<Prediction>& top, const std::vector<std::string>& labels);

struct FrameResult {
    std::string source;      // as the user named it (path, URL, "camera:0", ...)
    int64_t frame = 0;       // 0-based frame number within the source
    double pts = 0.0;        // presentation time in seconds
    double wallTime = 0.0;   // when the result was ready, unix seconds
    double latencyMs = 0.0;  // decode -> result
    std::vector<RankedLabel> top;
    std::string region;  // the region of interest (--roi NAME=...); empty: the whole frame
};

// One source's share of a run.
// One source's share of a run (the JSON summary, metrics and the MQTT stats topic).
struct SourceSummary {
    std::string source;  // as the user named it
    int64_t decoded = 0, classified = 0, dropped = 0, damaged = 0;
    int64_t reconnects = 0;  // times the (live) source was lost and reopened
};

struct RunSummary {
    int64_t decoded = 0, classified = 0, dropped = 0, damaged = 0;
    int64_t reconnects = 0;              // over all sources
    std::vector<SourceSummary> sources;  // per source, in the order given
    double fps = 0.0;  // classified frames per second, steady: from the first results to the last
    double latencyP50Ms = 0.0, latencyP95Ms = 0.0;
    double seconds = 0.0;  // wall time of the run
    // Network batches run and their summed wall time from submit to results read back.
    int64_t batches = 0;
    double batchSeconds = 0.0;
};

// The p-th percentile (p in [0, 100]) with linear interpolation between closest
// ranks (numpy's default, "type 7"): p=50 of {1,2,3,4} is 2.5. NaN for no values.
double percentile(std::vector<double> values, double p);

// Appends x to a window of recent values that holds at least the last `keep` and
// never more than 2 * keep (the oldest dropped half a window at a time, amortised
// O(1)): latency percentiles of an endless stream in bounded memory.
void appendToWindow(std::vector<double>& window, double x, size_t keep);

// Sinks are safe to call from several threads (one lock per sink).
class ResultSink {
public:
    virtual ~ResultSink() = default;
    virtual void write(const FrameResult& result) = 0;
    virtual void summary(const RunSummary& summary) = 0;
    // The summary so far, about once a second while the run goes on (sinks that
    // report live, like metrics and MQTT stats, override it).
    virtual void progress(const RunSummary& /*soFar*/) {}
};

// JSON Lines, one object per line:
//   {"source":"a.mp4","frame":12,"pts":0.48,"time":1700000000.123,"latency_ms":35.2,
//    "top":[{"label":"fox squirrel","index":335,"prob":0.91},...]}
// with "region":"NAME" after "source" for a region of interest (absent for whole
// frames), and, from summary(), a last line
//   {"summary":{"decoded":..,"classified":..,"dropped":..,"damaged":..,"reconnects":..,"fps":..,
//               "latency_p50_ms":..,"latency_p95_ms":..,"seconds":..,
//               "sources":[{"source":..,"decoded":..,"dropped":..,"damaged":..,"reconnects":..},...]}}
// Strings are escaped per RFC 8259 (invalid UTF-8 becomes U+FFFD, so every line
// is valid JSON); a non-finite number is written as null.
class JsonLinesSink : public ResultSink {
public:
    explicit JsonLinesSink(std::ostream& out) : out_(out) {}
    void write(const FrameResult& result) override;
    void summary(const RunSummary& summary) override;

private:
    std::ostream& out_;
    std::mutex mutex_;
};

// CSV (RFC 4180: CRLF-free "\n" line ends, fields with , " CR or LF quoted, quotes
// doubled). Header: source,region,frame,pts,time,latency_ms,rank,label,index,prob
// (region empty for whole frames)
// One row per top-k entry (rank 1 = best); a frame with no predictions gets one row
// with rank/label/index/prob empty. The summary is NOT part of the CSV (it would
// break readers): it goes as one human-readable line "# summary: decoded=.. ..."
// to `summaryOut` (std::cerr by default; nullptr drops it).
class CsvSink : public ResultSink {
public:
    explicit CsvSink(std::ostream& out);  // summary to std::cerr
    CsvSink(std::ostream& out, std::ostream* summaryOut);
    void write(const FrameResult& result) override;
    void summary(const RunSummary& summary) override;

private:
    std::ostream& out_;
    std::ostream* summaryOut_;
    bool headerWritten_ = false;
    std::mutex mutex_;
};

// The JSON object of one frame as JsonLinesSink writes it (without the newline),
// and the object inside its summary line: one serializer for every writer.
std::string toJson(const FrameResult& result);
std::string toJson(const RunSummary& summary);

// Helpers, exposed for tests and other writers.
std::string jsonEscape(const std::string& s);  // the quoted JSON string literal
std::string csvField(const std::string& s);    // quoted only when needed

}  // namespace resvk::classify
