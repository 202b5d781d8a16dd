// Files by URL through libavformat's avio (http(s)/file), SHA-256 through libavutil.
#include "remote_file.h"

#include "model/regular_file.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

extern "C" {
#include <libavformat/avio.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libavutil/sha.h>
}

namespace resvk::video {

namespace {

using Clock = std::chrono::steady_clock;

class Sha256 {
public:
    Sha256() : ctx_(av_sha_alloc()) {
        if (!ctx_ || av_sha_init(ctx_, 256) < 0) throw std::runtime_error("cannot initialise SHA-256");
    }
    ~Sha256() { av_free(ctx_); }
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(const uint8_t* data, size_t n) { av_sha_update(ctx_, data, n); }
    std::string hex() {
        uint8_t digest[32];
        av_sha_final(ctx_, digest);
        static const char* digits = "0123456789abcdef";
        std::string s;
        for (uint8_t b : digest) {
            s.push_back(digits[b >> 4]);
            s.push_back(digits[b & 15]);
        }
        return s;
    }

private:
    struct AVSHA* ctx_;
};

struct Watchdog {
    Clock::time_point lastActivity = Clock::now();
    double timeoutSeconds = 30;
    const std::atomic<bool>* stop = nullptr;
    bool timedOut = false;
    bool stopped = false;
};

extern "C" int interruptFetch(void* opaque) {
    auto* w = static_cast<Watchdog*>(opaque);
    if (w->stop && w->stop->load()) return w->stopped = true, 1;
    if (std::chrono::duration<double>(Clock::now() - w->lastActivity).count() > w->timeoutSeconds)
        return w->timedOut = true, 1;
    return 0;
}

bool isHttpError(int err) {
    return err == AVERROR_HTTP_BAD_REQUEST || err == AVERROR_HTTP_UNAUTHORIZED || err == AVERROR_HTTP_FORBIDDEN ||
           err == AVERROR_HTTP_NOT_FOUND || err == AVERROR_HTTP_OTHER_4XX || err == AVERROR_HTTP_SERVER_ERROR;
}

std::string avError(int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(err, buf, sizeof buf);
    return buf;
}

}  // namespace

std::string sha256File(const std::string& path, int64_t* size) {
    const model::RegularFile file(path, "'" + path + "'");
    Sha256 sha;
    constexpr int64_t kChunk = 1 << 20;
    for (int64_t offset = 0; offset < file.size(); offset += kChunk) {
        const std::string bytes = file.read(offset, std::min(kChunk, file.size() - offset));
        sha.update(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    }
    if (size) *size = file.size();
    return sha.hex();
}

bool isNetworkUrl(const std::string& s) {
    const auto colon = s.find("://");
    return colon != std::string::npos && s.compare(0, colon, "file") != 0;
}

FetchResult fetch(const std::string& source, double timeoutSeconds, const std::atomic<bool>* stop,
                  const FetchCallbacks& callbacks) {
    av_log_set_level(AV_LOG_QUIET);
    const bool network = isNetworkUrl(source);
    Watchdog watchdog;
    watchdog.timeoutSeconds = timeoutSeconds;
    watchdog.stop = stop;
    const AVIOInterruptCB callback{interruptFetch, &watchdog};
    AVDictionary* options = nullptr;
    av_dict_set_int(&options, "rw_timeout", static_cast<int64_t>(timeoutSeconds * 1e6), 0);
    // A local path goes through the file protocol even when it contains a ':'.
    const std::string url = source.find("://") == std::string::npos ? "file:" + source : source;
    FetchResult result;
    auto failure = [&](int err, const std::string& what) -> FetchError {
        if (watchdog.stopped)
            return FetchError(FetchError::Cancelled, what, "", result.size, "reading '" + source + "' interrupted");
        if (network && isHttpError(err))
            return FetchError(FetchError::HttpError, what, avError(err), result.size,
                              "the server answered '" + avError(err) + "' for " + source);
        if (network && err == AVERROR(ECONNREFUSED))
            return FetchError(FetchError::Refused, what, avError(err), result.size,
                              "connection refused by " + source + " (is the server running?)");
        if (network)
            return FetchError(FetchError::Offline, what, avError(err), result.size,
                              "cannot reach " + source + " (offline?): " + avError(err));
        return FetchError(FetchError::Io, what, avError(err), result.size,
                          "cannot " + what + " '" + source + "': " + avError(err));
    };

    AVIOContext* io = nullptr;
    int err = avio_open2(&io, url.c_str(), AVIO_FLAG_READ, &callback, &options);
    av_dict_free(&options);
    if (err < 0) throw failure(err, "open");
    std::unique_ptr<AVIOContext, void (*)(AVIOContext*)> guard(io, [](AVIOContext* c) { avio_closep(&c); });

    if (callbacks.opened) callbacks.opened(avio_size(io));
    Sha256 sha;
    std::vector<uint8_t> buf(1 << 20);
    for (;;) {
        watchdog.lastActivity = Clock::now();
        const int n = avio_read_partial(io, buf.data(), static_cast<int>(buf.size()));
        if (n == AVERROR_EOF || n == 0) {
            if (n == 0 && !avio_feof(io)) continue;
            break;
        }
        if (n < 0) {
            if (network && !watchdog.stopped)
                throw FetchError(FetchError::ConnectionLost, "read", avError(n), result.size,
                                 "the connection to " + source + " failed: " + avError(n));
            throw failure(n, "read");
        }
        if (callbacks.write) callbacks.write(buf.data(), static_cast<size_t>(n), result.size + n);
        sha.update(buf.data(), static_cast<size_t>(n));
        result.size += n;
    }
    if (callbacks.finished) callbacks.finished(result.size);
    if (watchdog.stopped)
        throw FetchError(FetchError::Cancelled, "read", "", result.size, "reading '" + source + "' interrupted");
    result.sha256 = sha.hex();
    return result;
}

}  // namespace resvk::video
