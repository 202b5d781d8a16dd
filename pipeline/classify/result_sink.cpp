#include "classify/result_sink.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <limits>
#include <sstream>

#include "classify/labels.h"

namespace resvk::classify {

std::vector<RankedLabel> rankLabels(const std::vector<Prediction>& top, const std::vector<std::string>& labels) {
    std::vector<RankedLabel> out;
    out.reserve(top.size());
    for (const Prediction& p : top) out.push_back({labelFor(labels, p.index), p.index, p.prob});
    return out;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::sort(values.begin(), values.end());
    p = std::clamp(std::isnan(p) ? 50.0 : p, 0.0, 100.0);
    const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(rank));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    const double frac = rank - static_cast<double>(lo);
    return values[lo] + (values[hi] - values[lo]) * frac;
}

void appendToWindow(std::vector<double>& window, double x, size_t keep) {
    window.push_back(x);
    if (window.size() > 2 * std::max<size_t>(keep, 1)) window.erase(window.begin(), window.end() - keep);
}

namespace {

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i, or
// returns -1 (and advances by one byte) for an invalid/overlong/truncated sequence.
long nextCodePoint(const std::string& s, size_t& i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) {
        ++i;
        return c;
    }
    int len;
    long cp;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        ++i;
        return -1;
    }
    if (i + len > s.size()) {
        ++i;
        return -1;
    }
    for (int k = 1; k < len; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) {
            ++i;
            return -1;
        }
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    static const long minFor[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minFor[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return -1;
    }
    i += len;
    return cp;
}

// Shortest round-trip form, or fixed with `decimals` and trailing zeros trimmed.
std::string number(double v, int decimals = -1) {
    if (!std::isfinite(v)) return "null";
    char buf[64];
    std::to_chars_result r = decimals < 0 ? std::to_chars(buf, buf + sizeof buf, v)
                                          : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    std::string s(buf, r.ptr);
    if (decimals > 0 && s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    return s;
}

std::string number(float v) {
    if (!std::isfinite(v)) return "null";
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that reads back as this float
    return std::string(buf, r.ptr);
}

// CSV cells: empty for non-finite (there is no null in CSV).
std::string cell(const std::string& json) {
    return json == "null" ? std::string() : json;
}

}  // namespace

std::string jsonEscape(const std::string& s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    static const char* hex = "0123456789abcdef";
    for (size_t i = 0; i < s.size();) {
        const size_t start = i;
        const long cp = nextCodePoint(s, i);
        switch (cp) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case -1:
                out += "\xEF\xBF\xBD";
                break;  // U+FFFD for bytes that are not UTF-8
            case 0x2028:
                out += "\\u2028";
                break;  // valid JSON, but not valid JavaScript unescaped
            case 0x2029:
                out += "\\u2029";
                break;
            default:
                if (cp < 0x20 || cp == 0x7F) {
                    out += "\\u00";
                    out += hex[cp >> 4];
                    out += hex[cp & 15];
                } else {
                    out.append(s, start, i - start);
                }
        }
    }
    out += '"';
    return out;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string toJson(const FrameResult& r) {
    std::string line = "{\"source\":" + jsonEscape(r.source) +
                       (r.region.empty() ? std::string() : ",\"region\":" + jsonEscape(r.region)) +
                       ",\"frame\":" + std::to_string(r.frame) + ",\"pts\":" + number(r.pts) +
                       ",\"time\":" + number(r.wallTime, 6) + ",\"latency_ms\":" + number(r.latencyMs, 3) +
                       ",\"top\":[";
    for (size_t i = 0; i < r.top.size(); ++i) {
        if (i) line += ',';
        line += "{\"label\":" + jsonEscape(r.top[i].label) + ",\"index\":" + std::to_string(r.top[i].index) +
                ",\"prob\":" + number(r.top[i].prob) + "}";
    }
    return line + "]}";
}

std::string toJson(const RunSummary& s) {
    std::string line = "{\"decoded\":" + std::to_string(s.decoded) + ",\"classified\":" + std::to_string(s.classified) +
                       ",\"dropped\":" + std::to_string(s.dropped) + ",\"damaged\":" + std::to_string(s.damaged) +
                       ",\"reconnects\":" + std::to_string(s.reconnects) + ",\"fps\":" + number(s.fps, 3) +
                       ",\"latency_p50_ms\":" + number(s.latencyP50Ms, 3) +
                       ",\"latency_p95_ms\":" + number(s.latencyP95Ms, 3) + ",\"seconds\":" + number(s.seconds, 3) +
                       ",\"sources\":[";
    for (size_t i = 0; i < s.sources.size(); ++i) {
        const SourceSummary& src = s.sources[i];
        if (i) line += ',';
        line += "{\"source\":" + jsonEscape(src.source) + ",\"decoded\":" + std::to_string(src.decoded) +
                ",\"dropped\":" + std::to_string(src.dropped) + ",\"damaged\":" + std::to_string(src.damaged) +
                ",\"reconnects\":" + std::to_string(src.reconnects) + "}";
    }
    return line + "]}";
}

void JsonLinesSink::write(const FrameResult& r) {
    const std::string line = toJson(r) + "\n";
    std::lock_guard lock(mutex_);
    out_ << line;
    out_.flush();
}

void JsonLinesSink::summary(const RunSummary& s) {
    const std::string line = "{\"summary\":" + toJson(s) + "}\n";
    std::lock_guard lock(mutex_);
    out_ << line;
    out_.flush();
}

namespace {
const char* const kCsvHeader = "source,region,frame,pts,time,latency_ms,rank,label,index,prob\n";
}

CsvSink::CsvSink(std::ostream& out) : out_(out), summaryOut_(&std::cerr) {}
CsvSink::CsvSink(std::ostream& out, std::ostream* summaryOut) : out_(out), summaryOut_(summaryOut) {}

void CsvSink::write(const FrameResult& r) {
    const std::string prefix = csvField(r.source) + ',' + csvField(r.region) + ',' + std::to_string(r.frame) + ',' +
                               cell(number(r.pts)) + ',' + cell(number(r.wallTime, 6)) + ',' +
                               cell(number(r.latencyMs, 3)) + ',';
    std::string rows;
    if (r.top.empty()) rows = prefix + ",,,\n";
    for (size_t i = 0; i < r.top.size(); ++i)
        rows += prefix + std::to_string(i + 1) + ',' + csvField(r.top[i].label) + ',' + std::to_string(r.top[i].index) +
                ',' + cell(number(r.top[i].prob)) + '\n';
    std::lock_guard lock(mutex_);
    if (!headerWritten_) {
        out_ << kCsvHeader;
        headerWritten_ = true;
    }
    out_ << rows;
    out_.flush();
}

void CsvSink::summary(const RunSummary& s) {
    std::lock_guard lock(mutex_);
    if (!headerWritten_) {  // a run that classified nothing still yields a readable (empty) table
        out_ << kCsvHeader;
        headerWritten_ = true;
        out_.flush();
    }
    if (!summaryOut_) return;
    *summaryOut_ << "# summary: decoded=" << s.decoded << " classified=" << s.classified << " dropped=" << s.dropped
                 << " damaged=" << s.damaged << " reconnects=" << s.reconnects << " fps=" << number(s.fps, 2)
                 << " latency_p50_ms=" << number(s.latencyP50Ms, 2) << " latency_p95_ms=" << number(s.latencyP95Ms, 2)
                 << " seconds=" << number(s.seconds, 2) << '\n';
    summaryOut_->flush();
}

}  // namespace resvk::classify
