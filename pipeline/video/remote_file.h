#pragma once
// Files by URL: reading an http(s)://, file:// URL or a local path through FFmpeg's
// avio (with a no-progress watchdog and a stop flag), and SHA-256 through libavutil.
// The header is FFmpeg-free; callers turn FetchError into their own messages.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace resvk::video {

// Lower-case hex SHA-256 of a file; its size in bytes into *size when given.
// Regular files only (a FIFO would block, a device never end). Throws
// std::runtime_error naming PATH and the cause.
std::string sha256File(const std::string& path, int64_t* size);

// True for a URL with a scheme other than file:// (it goes over the network).
bool isNetworkUrl(const std::string& urlOrPath);

struct FetchError : std::runtime_error {
    enum Kind {
        Offline,         // network source could not be opened (unreachable, DNS, timeout, ...)
        Refused,         // the host answered but refused the connection (nothing listens there)
        HttpError,       // network source: the server answered an HTTP 4xx/5xx; detail is its text
        ConnectionLost,  // network source: reading failed after bytesDone bytes
        Io,              // local source: `operation` ("open" or "read") failed; detail says why
        Cancelled,       // the stop flag was raised
    };
    FetchError(Kind kind, std::string operation, std::string detail, int64_t bytesDone, const std::string& what)
        : std::runtime_error(what),
          kind(kind),
          operation(std::move(operation)),
          detail(std::move(detail)),
          bytesDone(bytesDone) {}
    Kind kind;
    std::string operation;  // "open" or "read"
    std::string detail;     // FFmpeg's text for the error ("" for Cancelled)
    int64_t bytesDone;      // bytes delivered before the failure
};

struct FetchResult {
    int64_t size = 0;
    std::string sha256;  // of the bytes delivered
};

struct FetchCallbacks {
    // Once, after the source opened: its announced size, or <= 0 when unknown.
    std::function<void(int64_t announcedSize)> opened;
    // Each chunk in order, then the running total; may throw (the fetch is abandoned).
    std::function<void(const uint8_t* data, size_t n, int64_t done)> write;
    // Once, after the last chunk, before a raised stop flag is reported.
    std::function<void(int64_t done)> finished;
};

// Reads `urlOrPath` (a local path goes through the file protocol even with a ':')
// to its end, hashing as it goes. Gives up after `timeoutSeconds` without progress
// and when *stop becomes true. Throws FetchError (or what a callback throws).
FetchResult fetch(const std::string& urlOrPath, double timeoutSeconds, const std::atomic<bool>* stop,
                  const FetchCallbacks& callbacks);

}  // namespace resvk::video
