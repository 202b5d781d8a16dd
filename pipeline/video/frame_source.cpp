#include "video/frame_source.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
}

namespace resvk::video {
namespace {

using Clock = std::chrono::steady_clock;

struct FormatCloser {
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFreer {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFreer {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct DictFreer {
    void operator()(AVDictionary* d) const { av_dict_free(&d); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;

// FFmpeg's own log lines would interleave with ours: the user sees one line per
// failure, written by us. Device and network layers need one-time registration.
void initFfmpeg() {
    static std::once_flag once;
    std::call_once(once, [] {
        av_log_set_level(AV_LOG_QUIET);
        avdevice_register_all();
        avformat_network_init();
    });
}

std::string avError(int code) {
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buffer, sizeof buffer);
    std::string text = buffer;
    if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

std::string seconds(double s) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g s", s);
    return buffer;
}

bool startsWith(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

SourceKind classify(const std::string& spec) {
    if (startsWith(spec, "lavfi:")) return SourceKind::Generated;
    if (startsWith(spec, "/dev/video")) return SourceKind::Webcam;
    if (spec.find("://") != std::string::npos) return SourceKind::Network;
    return SourceKind::File;
}

std::string failurePrefix(SourceKind kind, const std::string& spec) {
    switch (kind) {
        case SourceKind::Webcam:
            return "cannot open webcam " + spec + ": ";
        case SourceKind::Network:
            return "cannot connect to " + spec + ": ";
        case SourceKind::Generated:
            return "cannot open generated source " + spec + ": ";
        case SourceKind::File:
            break;
    }
    return "cannot open video " + spec + ": ";
}

double toSeconds(int64_t value, AVRational timeBase) {
    return static_cast<double>(value) * av_q2d(timeBase);
}

}  // namespace

const char* toString(SourceKind kind) {
    switch (kind) {
        case SourceKind::File:
            return "file";
        case SourceKind::Webcam:
            return "webcam";
        case SourceKind::Network:
            return "network";
        case SourceKind::Generated:
            return "generated";
    }
    return "?";
}

struct FrameSource::Impl {
    int id = 0;
    SourceOptions options;
    SourceInfo info;

    FormatPtr format;
    CodecPtr decoder;
    int streamIndex = -1;
    // Set by start() before the decode thread runs: the network computes on
    // these cores, so the decoder runs alone on its thread at the lowest priority.
    bool yieldToInference = false;
    AVRational timeBase{1, 1};
    int64_t originPts = AV_NOPTS_VALUE;  // stream time that maps to pts 0 (+ ptsOffset)
    double ptsOffset = 0.0;              // > 0 after a reconnect: where the new stream's pts 0 lands
    double lastPts = 0.0;                // of the last frame decoded
    int64_t nextIndex = 0;
    bool finiteRemote = false;  // network source with a known duration: paced like realtime
    bool clockStarted = false;
    Clock::time_point clockStart{};  // wall time of pts 0, for realtime pacing

    // Read by FFmpeg's interrupt callback from inside blocking I/O.
    std::atomic<bool> stopping{false};
    std::atomic<int64_t> deadlineNs{0};  // steady-clock ns; 0 = no deadline
    std::atomic<bool> deadlineHit{false};

    std::thread thread;
    bool started = false;  // guarded by mutex
    mutable std::mutex mutex;
    std::condition_variable frameReady;  // consumer waits on it
    std::condition_variable spaceFree;   // decode thread waits on it (backpressure, pacing)
    std::deque<Frame> queue;
    bool ended = false;
    std::string endError;
    SourceStats stats;

    static int interrupted(void* opaque) {
        auto* self = static_cast<Impl*>(opaque);
        if (self->stopping.load()) return 1;
        int64_t deadline = self->deadlineNs.load();
        if (deadline != 0 && Clock::now().time_since_epoch().count() > deadline) {
            self->deadlineHit.store(true);
            return 1;
        }
        return 0;
    }

    bool usesDeadline() const { return info.kind == SourceKind::Network || info.kind == SourceKind::Webcam; }

    // deadlineHit is never cleared: AVIOContext keeps the error of a timed-out read and
    // the demuxer may report it only on a later call, after buffered packets.
    void armDeadline() {
        if (!usesDeadline()) return;
        auto span = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.timeoutSeconds));
        deadlineNs.store((Clock::now() + span).time_since_epoch().count());
    }
    void disarmDeadline() { deadlineNs.store(0); }

    // Why an open/probe/read failed, in words a user understands.
    std::string reason(int err) const {
        if (err == AVERROR_EXIT || err == AVERROR(ETIMEDOUT) || err == AVERROR(EAGAIN)) {
            if (stopping.load()) return "stopped";
            if (err != AVERROR_EXIT || deadlineHit.load()) return "timed out after " + seconds(options.timeoutSeconds);
        }
        if (err == AVERROR(ECONNREFUSED)) return "connection refused";
        if (err == AVERROR(ECONNRESET)) return "connection reset";
        if (err == AVERROR(EHOSTUNREACH) || err == AVERROR(ENETUNREACH)) return "host unreachable";
        if (err == AVERROR(EBUSY)) return "busy (in use by another program)";
        if (err == AVERROR(EACCES) || err == AVERROR(EPERM)) return "permission denied";
        if (err == AVERROR(ENODEV) || err == AVERROR(ENXIO)) return "no such device";
        if (err == AVERROR(ENOENT)) {
            if (info.kind == SourceKind::Webcam) return "no such device";
            if (info.kind == SourceKind::File) return "no such file";
            return "not found";
        }
        if (err == AVERROR_HTTP_NOT_FOUND) return "not found (HTTP 404)";
        if (err == AVERROR_HTTP_FORBIDDEN) return "forbidden (HTTP 403)";
        if (err == AVERROR_HTTP_UNAUTHORIZED) return "unauthorized (HTTP 401)";
        if (err == AVERROR_PROTOCOL_NOT_FOUND) return "unsupported protocol";
        if (err == AVERROR_INVALIDDATA) {
            if (info.kind == SourceKind::File) return "not a video (unrecognised format), or truncated or unreadable";
            if (info.kind == SourceKind::Generated) return "invalid filter graph";
            return "invalid data";
        }
        if (err == AVERROR_EOF) return "truncated or unreadable (ended before any video)";
        return avError(err);
    }

    [[noreturn]] void fail(const std::string& why) const {
        throw SourceError(failurePrefix(info.kind, info.spec) + why);
    }

    void checkPath() const {
        struct stat st {};
        if (info.spec == "-") return;  // standard input, streamed as it comes
        if (info.kind == SourceKind::File) {
            if (::stat(info.spec.c_str(), &st) != 0) fail(errno == EACCES ? "permission denied" : "no such file");
            if (S_ISDIR(st.st_mode)) fail("is a directory, not a video");
            if (S_ISREG(st.st_mode) && st.st_size == 0) fail("empty file");
        } else if (info.kind == SourceKind::Webcam) {
            if (::stat(info.spec.c_str(), &st) != 0) fail(errno == EACCES ? "permission denied" : "no such device");
            if (!S_ISCHR(st.st_mode)) fail("not a video device");
        }
    }

    const AVInputFormat* inputFormat(AVDictionary** dict) const {
        const std::string& name = options.inputFormat;
        if (info.kind == SourceKind::Generated) return av_find_input_format("lavfi");
        if (info.kind == SourceKind::Webcam) {
            const AVInputFormat* device = name.empty() ? nullptr : av_find_input_format(name.c_str());
            bool isDevice = device && device->priv_class &&
                            (device->priv_class->category == AV_CLASS_CATEGORY_DEVICE_VIDEO_INPUT ||
                             device->priv_class->category == AV_CLASS_CATEGORY_DEVICE_INPUT);
            if (isDevice) return device;
            // "mjpeg", "yuyv422", "h264": the camera's stream format, not a demuxer.
            if (!name.empty()) av_dict_set(dict, "input_format", name.c_str(), 0);
            if (const AVInputFormat* v4l2 = av_find_input_format("v4l2")) return v4l2;
            fail("this FFmpeg has no v4l2 input");
        }
        if (name.empty()) return nullptr;
        const AVInputFormat* format = av_find_input_format(name.c_str());
        if (!format) fail("unknown input format '" + name + "'");
        return format;
    }

    AVDictionary* openOptions() const {
        AVDictionary* dict = nullptr;
        if (info.kind == SourceKind::Network) {
            // Microseconds. Protocols pick the ones they know: tcp/udp/http/rtsp
            // "timeout", http/file "rw_timeout", pre-5.0 rtsp "stimeout".
            auto us = std::to_string(static_cast<int64_t>(options.timeoutSeconds * 1e6));
            av_dict_set(&dict, "timeout", us.c_str(), 0);
            av_dict_set(&dict, "rw_timeout", us.c_str(), 0);
            av_dict_set(&dict, "stimeout", us.c_str(), 0);
            if (startsWith(info.spec, "udp://")) av_dict_set(&dict, "overrun_nonfatal", "1", 0);
            if (startsWith(info.spec, "http")) av_dict_set(&dict, "reconnect", "0", 0);
        }
        if (info.kind == SourceKind::Webcam) {
            if (!options.videoSize.empty()) av_dict_set(&dict, "video_size", options.videoSize.c_str(), 0);
            if (!options.framerate.empty()) av_dict_set(&dict, "framerate", options.framerate.c_str(), 0);
        }
        return dict;
    }

    // Opens and probes the stream, filling `out`'s picture fields: `info` at
    // construction, a scratch copy when a lost stream is reopened (the consumer
    // reads `info` without a lock, so it never changes after construction).
    void open(SourceInfo& out) {
        initFfmpeg();
        checkPath();
        AVDictionary* dict = openOptions();
        std::unique_ptr<AVDictionary, DictFreer> dictGuard(nullptr);
        const AVInputFormat* input = inputFormat(&dict);
        dictGuard.reset(dict);

        AVFormatContext* raw = avformat_alloc_context();
        if (!raw) fail("out of memory");
        raw->interrupt_callback = {&Impl::interrupted, this};
        if (info.kind == SourceKind::Webcam) raw->flags |= AVFMT_FLAG_NONBLOCK;  // stop() must not wait on DQBUF
        // "-" is standard input (`cat clip | resvk classify -`); FIFOs and pipes are streamed on purpose
        std::string url = info.kind == SourceKind::Generated ? info.spec.substr(6)
                          : info.spec == "-"                 ? std::string("pipe:0")
                                                             : info.spec;
        armDeadline();
        AVDictionary* used = dictGuard.release();
        int err = avformat_open_input(&raw, url.c_str(), input, &used);  // frees raw on failure
        dictGuard.reset(used);
        if (err < 0) fail(reason(err));
        format.reset(raw);
        if (!input && format->iformat && std::string(format->iformat->name) == "tty") fail("not a video (a text file)");

        armDeadline();
        err = avformat_find_stream_info(format.get(), nullptr);
        if (err < 0) fail(err == AVERROR_EXIT || err == AVERROR(ETIMEDOUT) ? reason(err) : "truncated or unreadable");

        const AVCodec* codec = nullptr;
        streamIndex = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
        if (streamIndex == AVERROR_STREAM_NOT_FOUND) fail("not a video (no video stream)");
        if (streamIndex == AVERROR_DECODER_NOT_FOUND) {
            int any = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
            fail(std::string("no decoder for codec ") +
                 (any >= 0 ? avcodec_get_name(format->streams[any]->codecpar->codec_id) : "?"));
        }
        if (streamIndex < 0 || !codec) fail(reason(streamIndex));
        AVStream* stream = format->streams[streamIndex];
        for (unsigned i = 0; i < format->nb_streams; ++i)
            if (static_cast<int>(i) != streamIndex) format->streams[i]->discard = AVDISCARD_ALL;

        timeBase = stream->time_base;
        openDecoder(codec, out.live);
        disarmDeadline();

        const AVCodecParameters* par = stream->codecpar;
        out.width = par->width;
        out.height = par->height;
        if (out.width <= 0 || out.height <= 0) fail("truncated or unreadable (no picture size)");
        out.codec = avcodec_get_name(par->codec_id);
        const char* pix = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format));
        out.pixelFormat = pix ? pix : "unknown";
        AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
        out.fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0.0;
        out.frameRate = rate;
        out.timeBase = stream->time_base;
        if (stream->duration > 0 && stream->duration != AV_NOPTS_VALUE)
            out.durationSeconds = toSeconds(stream->duration, stream->time_base);
        else if (format->duration > 0 && format->duration != AV_NOPTS_VALUE)
            out.durationSeconds = static_cast<double>(format->duration) / AV_TIME_BASE;
        // A finite remote file (http://.../clip.mp4) is still "live" (newest frame
        // wins) but would otherwise be decoded far faster than its clock: pace it.
        finiteRemote = out.kind == SourceKind::Network && out.durationSeconds > 0;
        if (out.live && !finiteRemote) out.durationSeconds = 0.0;
        if (stream->nb_frames > 0 && (!out.live || finiteRemote))
            out.frameCountEstimate = stream->nb_frames;
        else if (out.durationSeconds > 0 && out.fps > 0)
            out.frameCountEstimate = std::llround(out.durationSeconds * out.fps);
        if (stream->start_time != AV_NOPTS_VALUE) originPts = stream->start_time;
    }

    // FFmpeg picks the thread count (cores + 1) unless the decoder must yield
    // to inference on the same cores.
    void openDecoder(const AVCodec* codec, bool live) {
        const AVStream* stream = format->streams[streamIndex];
        decoder.reset(avcodec_alloc_context3(codec));
        if (!decoder || avcodec_parameters_to_context(decoder.get(), stream->codecpar) < 0) fail("out of memory");
        decoder->pkt_timebase = stream->time_base;
        decoder->thread_count = yieldToInference ? 1 : 0;
        // Frame threading adds a frame of latency per thread: fine for files, not for live.
        decoder->thread_type = live ? FF_THREAD_SLICE : (FF_THREAD_FRAME | FF_THREAD_SLICE);
        const int err = avcodec_open2(decoder.get(), codec, nullptr);
        if (err < 0) fail("cannot start the " + std::string(codec->name) + " decoder: " + avError(err));
        std::lock_guard lock(mutex);
        stats.decoderThreads = decoder->thread_count;
    }

    // ---- decode thread ----

    // Where the network runs on the host's cores (a CPU Vulkan driver), the
    // decoder's frame threads would take cores from the driver's workers, and a
    // dispatch split over those workers waits for the one that was preempted.
    // Single-threaded at nice 19 it decodes in the gaps instead: ResNet-18 with
    // one 720p file on lavapipe, 2 cores, 55-63 against 61-77 ms per frame in six
    // interleaved rounds; four sources 42 against 47. It cannot starve: when the
    // network has no next frame it goes idle, and the decoder runs.
    // Returns what went wrong, "" when nothing did.
    std::string yieldCoresToInference() {
        setpriority(PRIO_PROCESS, 0, 19);  // Linux: this thread only; raising nice needs no privilege
        {
            std::lock_guard lock(mutex);
            stats.lowPriority = getpriority(PRIO_PROCESS, 0) == 19;
        }
        try {
            openDecoder(decoder->codec, info.live);  // the first open's frame threads go with it
        } catch (const SourceError& e) {
            return e.what();
        }
        return "";
    }

    void run() {
        std::string error = yieldToInference ? yieldCoresToInference() : std::string();
        if (error.empty()) error = decodeStream();
        while (!stopping.load() && reopens()) {
            std::string why = error.empty() ? std::string("the stream ended") : error;
            if (!reopenWithBackoff(why, error)) break;
            {
                std::lock_guard lock(mutex);
                ++stats.reconnects;
            }
            error = decodeStream();
        }
        std::lock_guard lock(mutex);
        ended = true;
        endError = stopping.load() ? std::string() : error;
        frameReady.notify_all();
    }

    // A live stream is reopened after a loss; a finite remote file ends like a file.
    bool reopens() const { return info.live && !finiteRemote && options.reconnectSeconds > 0; }

    // Reads and decodes until the end of the stream, an error or stop; returns
    // the error ("" at the end of the stream or on stop).
    std::string decodeStream() {
        PacketPtr packet(av_packet_alloc());
        AVFrame* frame = av_frame_alloc();
        std::string error;
        bool draining = false;
        while (!stopping.load() && packet && frame) {
            if (!draining) {
                armDeadline();
                int err = av_read_frame(format.get(), packet.get());
                if (err == AVERROR(EAGAIN)) {  // non-blocking webcam with nothing ready yet
                    if (waitForData()) continue;
                    if (!stopping.load()) error = readFailure(AVERROR(ETIMEDOUT));
                    break;
                }
                if (err == AVERROR_EOF) {
                    draining = true;
                    avcodec_send_packet(decoder.get(), nullptr);
                } else if (err < 0) {
                    if (!stopping.load()) error = readFailure(err);
                    draining = true;
                    avcodec_send_packet(decoder.get(), nullptr);
                } else if (packet->stream_index != streamIndex) {
                    av_packet_unref(packet.get());
                    continue;
                } else {
                    err = avcodec_send_packet(decoder.get(), packet.get());
                    av_packet_unref(packet.get());
                    if (err < 0 && err != AVERROR(EAGAIN)) countDamaged();  // the decoder rejected it; keep going
                }
            }
            if (!receiveFrames(frame)) break;
            if (draining) break;
        }
        av_frame_free(&frame);
        return error;
    }

    // Waits (interruptibly: stop() wakes it) until `until`; false when stopping.
    bool sleepUntil(Clock::time_point until) {
        std::unique_lock lock(mutex);
        return !spaceFree.wait_until(lock, until, [&] { return stopping.load(); });
    }

    // The stream was lost (`why`): reopen it with exponential backoff for up to
    // options.reconnectSeconds. True once it is open again; false on stop or when
    // the window has passed, with `error` saying what was lost and why it stayed lost.
    bool reopenWithBackoff(const std::string& why, std::string& error) {
        decoder.reset();
        format.reset();
        const auto giveUpAt = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                                 std::min(options.reconnectSeconds, 1e8)));
        auto wait = std::chrono::milliseconds(250);
        std::string lastFailure;
        while (sleepUntil(std::min(Clock::now() + wait, giveUpAt))) {
            if (Clock::now() >= giveUpAt) break;
            try {
                SourceInfo scratch = info;
                deadlineHit.store(false);  // a fresh AVIOContext: the old timeout no longer applies
                open(scratch);
                // Timestamps restart with the new stream: continue after the last frame delivered.
                ptsOffset = lastPts + (info.fps > 0 ? 1.0 / info.fps : 0.04);
                originPts = AV_NOPTS_VALUE;
                clockStarted = false;
                return true;
            } catch (const SourceError& e) {
                lastFailure = e.what();
                decoder.reset();
                format.reset();
            }
            wait = std::min(wait * 2, std::chrono::milliseconds(5000));
        }
        if (stopping.load()) return false;
        error = (why.rfind(info.spec, 0) == 0 ? why : info.spec + ": " + why) + "; not back after " +
                seconds(options.reconnectSeconds) + (lastFailure.empty() ? "" : " (" + lastFailure + ")");
        return false;
    }

    // Webcams in non-blocking mode: poll until data, stop or the read deadline.
    bool waitForData() {
        if (interrupted(this)) return false;
        std::unique_lock lock(mutex);
        spaceFree.wait_for(lock, std::chrono::milliseconds(2), [&] { return stopping.load(); });
        return !stopping.load();
    }

    std::string readFailure(int err) const {
        std::string why = reason(err);
        if (deadlineHit.load()) why = "no data for " + seconds(options.timeoutSeconds);
        if (info.live) return info.spec + ": stream lost: " + why;
        return info.spec + ": read error (truncated or unreadable): " + why;
    }

    void countDamaged() {
        std::lock_guard lock(mutex);
        ++stats.damaged;
    }

    // Pulls every frame the decoder has ready; false when stopping.
    bool receiveFrames(AVFrame* frame) {
        for (;;) {
            int err = avcodec_receive_frame(decoder.get(), frame);
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return true;
            if (err < 0) {  // a frame the decoder gave up on (frame threading reports errors here)
                countDamaged();
                return true;
            }
            if (!deliver(frame)) return false;
        }
    }

    double ptsOf(const AVFrame* frame, int64_t index) {
        int64_t ts = frame->best_effort_timestamp;
        if (ts == AV_NOPTS_VALUE) return info.fps > 0 ? static_cast<double>(index) / info.fps : 0.0;
        if (originPts == AV_NOPTS_VALUE) originPts = ts;
        return ptsOffset + toSeconds(ts - originPts, timeBase);
    }

    bool deliver(AVFrame* decoded) {
        Frame out;
        out.source = id;
        out.index = nextIndex++;
        out.pts = ptsOf(decoded, out.index);
        lastPts = out.pts;
        out.damaged = decoded->decode_error_flags != 0 || (decoded->flags & AV_FRAME_FLAG_CORRUPT) != 0;
        out.image.reset(av_frame_alloc());
        if (!out.image) return false;
        av_frame_move_ref(out.image.get(), decoded);

        std::unique_lock lock(mutex);
        ++stats.decoded;
        if (out.damaged) ++stats.damaged;
        if (info.live ? finiteRemote : options.realtime) {
            if (!clockStarted) {
                clockStarted = true;
                clockStart =
                    Clock::now() - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(out.pts));
            }
            auto due = clockStart + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(out.pts));
            if (spaceFree.wait_until(lock, due, [&] { return stopping.load(); })) return false;
        }
        if (info.live) {
            out.decodedAt = Clock::now();
            queue.push_back(std::move(out));
            while (queue.size() > std::max<size_t>(options.queueDepth, 1)) {
                queue.pop_front();
                ++stats.dropped;
            }
            frameReady.notify_all();
            return true;
        }
        // Backpressure; the timeout only re-checks the stop flag.
        while (queue.size() >= std::max<size_t>(options.queueDepth, 1)) {
            if (stopping.load()) return false;
            spaceFree.wait_for(lock, std::chrono::milliseconds(100));
        }
        if (stopping.load()) return false;
        out.decodedAt = Clock::now();
        queue.push_back(std::move(out));
        frameReady.notify_all();
        return true;
    }
};

FrameSource::FrameSource(int id, const std::string& spec, const SourceOptions& options) : impl_(new Impl) {
    impl_->id = id;
    impl_->options = options;
    impl_->info.spec = spec;
    impl_->info.kind = classify(spec);
    impl_->info.live = impl_->info.kind == SourceKind::Webcam || impl_->info.kind == SourceKind::Network;
    impl_->info.paced = impl_->info.live || options.realtime;
    if (spec.empty()) throw SourceError("cannot open video: no source given");
    impl_->open(impl_->info);
}

FrameSource::~FrameSource() {
    stop();
    std::thread thread;
    {
        std::lock_guard lock(impl_->mutex);
        thread = std::move(impl_->thread);
    }
    if (thread.joinable()) thread.join();
}

const SourceInfo& FrameSource::info() const {
    return impl_->info;
}

void FrameSource::start(bool inferenceOnTheseCores) {
    Impl& s = *impl_;
    std::lock_guard lock(s.mutex);
    if (s.started) return;
    s.started = true;
    s.yieldToInference = inferenceOnTheseCores;
    if (s.stopping.load()) {
        s.ended = true;
        return;
    }
    s.thread = std::thread([impl = impl_.get()] { impl->run(); });
}

std::optional<Frame> FrameSource::next(std::chrono::milliseconds wait) {
    Impl& s = *impl_;
    std::unique_lock lock(s.mutex);
    s.frameReady.wait_for(lock, wait, [&] { return !s.queue.empty() || s.ended; });
    if (s.queue.empty()) return std::nullopt;
    Frame out;
    if (s.info.live) {
        out = std::move(s.queue.back());
        s.stats.dropped += static_cast<int64_t>(s.queue.size()) - 1;
        s.queue.clear();
    } else {
        out = std::move(s.queue.front());
        s.queue.pop_front();
    }
    ++s.stats.delivered;
    s.spaceFree.notify_all();
    return out;
}

bool FrameSource::finished() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->ended && impl_->queue.empty();
}

std::string FrameSource::endError() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->endError;
}

SourceStats FrameSource::stats() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->stats;
}

void FrameSource::stop() {
    Impl& s = *impl_;
    s.stopping.store(true);
    std::lock_guard lock(s.mutex);
    if (!s.started) s.ended = true;  // never started: nothing will come
    s.spaceFree.notify_all();
    s.frameReady.notify_all();
}

}  // namespace resvk::video
