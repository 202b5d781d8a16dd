#include "video/annotated_writer.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/hwcontext.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>

namespace resvk::video {

namespace {

namespace fs = std::filesystem;

// DejaVu Sans from Debian's fonts-dejavu-core (scripts/setup.sh installs it). When it
// is missing, drawtext asks fontconfig for "Sans" instead.
constexpr const char* kFontFile = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

std::string avError(int err) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(err, buf, sizeof buf);
    return buf;
}

void warn(const std::string& message) {
    std::cerr << "resvk: warning: " << message << '\n';
}

// The overlay text: one row per line, control characters (which drawtext would
// draw as boxes or treat as line breaks) replaced by spaces.
std::string joinLines(const std::vector<std::string>& lines) {
    std::string text;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i) text += '\n';
        for (char c : lines[i]) text += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? ' ' : c;
    }
    return text;
}

// A value for av_set_options_string() (what drawtext's "reinit" command parses):
// av_get_token() takes any backslash-escaped character literally, so escaping every
// character that is special to it (separators, quotes, backslash, whitespace that
// would be trimmed) passes the text through unchanged. drawtext runs with
// expansion=none, so '%' and '{' need nothing.
std::string escapeOptionValue(const std::string& s) {
    std::string out;
    out.reserve(s.size() * 2);
    for (char c : s) {
        if (std::strchr("\\':=,;[] \t\n\r", c) && c != '\0') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

struct AnnotatedWriter::Impl {
    WriterOptions opt;
    std::string partialPath;
    bool finished = false;

    AVFormatContext* oc = nullptr;
    AVCodecContext* enc = nullptr;
    AVStream* vst = nullptr;
    AVRational encTb{0, 1};
    AVRational frameRate{25, 1};
    int64_t frameDur = 1;  // one frame in encTb
    int64_t lastPts = AV_NOPTS_VALUE;
    int64_t frames = 0;
    AVPacket* pkt = nullptr;
    AVFrame* filtered = nullptr;

    // Filter graph, rebuilt when the input frame geometry or format changes.
    AVFilterGraph* graph = nullptr;
    AVFilterContext* src = nullptr;
    AVFilterContext* sink = nullptr;
    int gWidth = -1, gHeight = -1, gFormat = -1;
    AVRational gSar{0, 1};
    std::string shownText;              // what drawtext holds
    bool overlayOn = true;              // drawtext enabled (false while there is nothing to show)
    std::vector<Box> gBoxes;            // the regions the graph draws (geometry fixed per graph)
    std::vector<std::string> boxTexts;  // what each region's drawtext holds
    std::vector<char> boxOn;            // each region's drawtext enabled
    int fontSize = 16;

    // Audio stream copy.
    AVFormatContext* ic = nullptr;
    std::vector<int> inToOut;  // input stream index -> output stream index, or -1
    AVPacket* pending = nullptr;
    bool pendingValid = false;

    ~Impl() {
        freeGraph();
        avcodec_free_context(&enc);
        av_packet_free(&pkt);
        av_packet_free(&pending);
        av_frame_free(&filtered);
        if (ic) avformat_close_input(&ic);
        if (oc) {
            if (oc->pb && !(oc->oformat->flags & AVFMT_NOFILE)) avio_closep(&oc->pb);
            avformat_free_context(oc);
        }
        if (!finished && !partialPath.empty()) ::unlink(partialPath.c_str());
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw WriterError("cannot write '" + opt.path + "': " + what);
    }

    void freeGraph() {
        avfilter_graph_free(&graph);
        src = sink = nullptr;
    }

    // "<dir>/.<stem>.partial-XXXXXX<ext>", created exclusively so two writers never
    // share one; created with 0666 & ~umask like any other output file.
    void createPartialFile() {
        const fs::path finalPath(opt.path);
        const fs::path dir = finalPath.has_parent_path() ? finalPath.parent_path() : fs::path(".");
        std::random_device rd;
        std::mt19937 rng(rd());
        static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int attempt = 0; attempt < 100; ++attempt) {
            std::string tag;
            for (int i = 0; i < 6; ++i) tag += alphabet[rng() % 36];
            std::string name = ".";  // built with append: GCC 12 misreports operator+ chains (-Wrestrict)
            name.append(finalPath.stem().string()).append(".partial-").append(tag);
            name.append(finalPath.extension().string());
            const fs::path candidate = dir / name;
            const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd >= 0) {
                ::close(fd);
                partialPath = candidate.string();
                return;
            }
            if (errno != EEXIST) fail(std::strerror(errno));
        }
        fail("cannot create a temporary file next to it");
    }

    void openVideoEncoder() {
        const AVCodec* codec = nullptr;
        for (const char* name : {"libx264", "mpeg4"}) {
            const AVCodec* c = avcodec_find_encoder_by_name(name);
            if (c && avformat_query_codec(oc->oformat, c->id, FF_COMPLIANCE_NORMAL) != 0) {
                codec = c;
                break;
            }
        }
        if (!codec)
            fail(std::string("the ") + oc->oformat->name +
                 " container takes neither H.264 nor MPEG-4 video (use .mp4, .mkv, .avi or .mov)");
        const bool x264 = std::strcmp(codec->name, "libx264") == 0;

        encTb = opt.timeBase;
        if (!x264 && encTb.den > 65535) {
            // The MPEG-4 part 2 standard caps the time base denominator at 16 bits.
            encTb = av_inv_q(frameRate);
            if (encTb.den > 65535) encTb = AVRational{1, 1000};
        }
        frameDur = std::max<int64_t>(1, av_rescale_q(1, av_inv_q(frameRate), encTb));

        enc = avcodec_alloc_context3(codec);
        if (!enc) fail("out of memory");
        enc->width = opt.width;
        enc->height = opt.height;
        const bool odd = (opt.width | opt.height) & 1;
        enc->pix_fmt = (odd && x264) ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P;  // 4:2:0 needs even sizes
        enc->time_base = encTb;
        enc->framerate = frameRate;
        enc->gop_size = std::clamp(static_cast<int>(std::lround(av_q2d(frameRate) * 2)), 1, 600);
        if (x264) {
            av_opt_set(enc->priv_data, "preset", "veryfast", 0);
            av_opt_set(enc->priv_data, "crf", "20", 0);
        } else {
            enc->flags |= AV_CODEC_FLAG_QSCALE;
            enc->global_quality = FF_QP2LAMBDA * 3;
        }
        if (oc->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        if (int err = avcodec_open2(enc, codec, nullptr); err < 0)
            fail(std::string("cannot open the ") + codec->name + " encoder for " + std::to_string(opt.width) + "x" +
                 std::to_string(opt.height) + ": " + avError(err));

        vst = avformat_new_stream(oc, nullptr);
        if (!vst) fail("out of memory");
        avcodec_parameters_from_context(vst->codecpar, enc);
        vst->time_base = encTb;
        vst->avg_frame_rate = frameRate;
    }

    void openAudio() {
        if (opt.audioFrom.empty()) return;
        if (int err = avformat_open_input(&ic, opt.audioFrom.c_str(), nullptr, nullptr); err < 0) {
            warn("no audio in '" + opt.path + "': cannot open '" + opt.audioFrom + "': " + avError(err));
            return;
        }
        if (int err = avformat_find_stream_info(ic, nullptr); err < 0) {
            warn("no audio in '" + opt.path + "': cannot read '" + opt.audioFrom + "': " + avError(err));
            avformat_close_input(&ic);
            return;
        }
        inToOut.assign(ic->nb_streams, -1);
        int copied = 0;
        for (unsigned i = 0; i < ic->nb_streams; ++i) {
            AVStream* is = ic->streams[i];
            if (is->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) {
                is->discard = AVDISCARD_ALL;
                continue;
            }
            const char* codecName = avcodec_get_name(is->codecpar->codec_id);
            // 1: the container takes it; <0: the muxer cannot tell, try; 0: it cannot.
            if (avformat_query_codec(oc->oformat, is->codecpar->codec_id, FF_COMPLIANCE_NORMAL) == 0) {
                warn(std::string("dropping ") + codecName + " audio stream " + std::to_string(i) + " of '" +
                     opt.audioFrom + "': the " + oc->oformat->name + " container cannot hold it (try .mkv)");
                is->discard = AVDISCARD_ALL;
                continue;
            }
            AVStream* os = avformat_new_stream(oc, nullptr);
            if (!os || avcodec_parameters_copy(os->codecpar, is->codecpar) < 0) fail("out of memory");
            os->codecpar->codec_tag = 0;
            // AVI does not record AC-3's fixed frame size; MP4/MOV want it in the sample description.
            const AVCodecID id = os->codecpar->codec_id;
            if (os->codecpar->frame_size == 0 && (id == AV_CODEC_ID_AC3 || id == AV_CODEC_ID_EAC3))
                os->codecpar->frame_size = 1536;
            os->time_base = is->time_base;
            os->disposition = is->disposition;
            av_dict_copy(&os->metadata, is->metadata, 0);
            inToOut[i] = os->index;
            ++copied;
        }
        if (!copied) {
            if (ic->nb_streams && std::none_of(ic->streams, ic->streams + ic->nb_streams, [](AVStream* s) {
                    return s->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
                }))
                warn("'" + opt.audioFrom + "' has no audio stream; '" + opt.path + "' will be silent");
            avformat_close_input(&ic);
            return;
        }
        pending = av_packet_alloc();
        if (!pending) fail("out of memory");
    }

    void stopAudio() {
        if (ic) avformat_close_input(&ic);
        if (pending) av_packet_unref(pending);
        pendingValid = false;
    }

    // Copies audio packets whose timestamp is before `until` (in encTb).
    void pumpAudio(int64_t until) {
        while (ic) {
            if (!pendingValid) {
                const int err = av_read_frame(ic, pending);
                if (err < 0) {
                    if (err != AVERROR_EOF) warn("audio of '" + opt.audioFrom + "' ends early: " + avError(err));
                    stopAudio();
                    return;
                }
                const int idx = pending->stream_index;
                if (idx < 0 || idx >= static_cast<int>(inToOut.size()) || inToOut[idx] < 0 ||
                    (pending->dts == AV_NOPTS_VALUE && pending->pts == AV_NOPTS_VALUE)) {
                    av_packet_unref(pending);
                    continue;
                }
                pendingValid = true;
            }
            AVStream* is = ic->streams[pending->stream_index];
            const int64_t ts = pending->dts != AV_NOPTS_VALUE ? pending->dts : pending->pts;
            if (av_compare_ts(ts, is->time_base, until, encTb) >= 0) return;  // later than the video so far
            AVStream* os = oc->streams[inToOut[pending->stream_index]];
            av_packet_rescale_ts(pending, is->time_base, os->time_base);
            pending->stream_index = os->index;
            pending->pos = -1;
            pendingValid = false;
            if (int err = av_interleaved_write_frame(oc, pending); err < 0) {  // consumes the packet
                warn("stopped copying audio into '" + opt.path + "': " + avError(err));
                stopAudio();
            }
        }
    }

    void encode(AVFrame* frame) {
        int err = avcodec_send_frame(enc, frame);
        if (err < 0) fail("encoding failed: " + avError(err));
        for (;;) {
            err = avcodec_receive_packet(enc, pkt);
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
            if (err < 0) fail("encoding failed: " + avError(err));
            pkt->stream_index = vst->index;
            av_packet_rescale_ts(pkt, encTb, vst->time_base);
            if ((err = av_interleaved_write_frame(oc, pkt)) < 0) fail(avError(err));
        }
    }

    void buildGraph(const AVFrame& f) {
        freeGraph();
        graph = avfilter_graph_alloc();
        if (!graph) fail("out of memory");
        const AVRational sar = f.sample_aspect_ratio.num > 0 ? f.sample_aspect_ratio : AVRational{1, 1};
        char args[256];
        std::snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=%d/%d", f.width,
                      f.height, f.format, encTb.num, encTb.den, sar.num, sar.den);
        int err = avfilter_graph_create_filter(&src, avfilter_get_by_name("buffer"), "in", args, nullptr, graph);
        if (err < 0) fail("cannot take frames of format " + std::to_string(f.format) + ": " + avError(err));
        AVFilterContext* last = src;

        if (f.width != opt.width || f.height != opt.height) {
            AVFilterContext* scale = nullptr;
            std::snprintf(args, sizeof args, "w=%d:h=%d", opt.width, opt.height);
            err = avfilter_graph_create_filter(&scale, avfilter_get_by_name("scale"), "resize", args, nullptr, graph);
            if (err < 0 || (err = avfilter_link(last, 0, scale, 0)) < 0) fail("cannot scale frames: " + avError(err));
            last = scale;
        }

        const int border = std::max(2, fontSize * 2 / 5);
        const int margin = std::max(4, fontSize / 2);
        last = addText(last, "overlay_text", shownText, margin + border, margin + border, fontSize);
        // Each region: its outline, and its label inside the top-left corner, in
        // the output's pixels (the frame may have been scaled above).
        const double sx = double(opt.width) / f.width, sy = double(opt.height) / f.height;
        const int boxFont = std::max(10, fontSize * 3 / 4);
        for (size_t k = 0; k < gBoxes.size(); ++k) {
            const Box& b = gBoxes[k];
            const int x = int(std::lround(b.x * sx)), y = int(std::lround(b.y * sy));
            const int w = std::max(1, int(std::lround(b.w * sx))), h = std::max(1, int(std::lround(b.h * sy)));
            AVFilterContext* box = nullptr;
            std::snprintf(args, sizeof args, "x=%d:y=%d:w=%d:h=%d:color=yellow@0.9:t=%d", x, y, w, h,
                          std::max(2, std::min(opt.width, opt.height) / 180));
            err = avfilter_graph_create_filter(&box, avfilter_get_by_name("drawbox"),
                                               ("box" + std::to_string(k)).c_str(), args, nullptr, graph);
            if (err < 0 || (err = avfilter_link(last, 0, box, 0)) < 0)
                fail("cannot draw region boxes: " + avError(err));
            const int pad = std::max(2, boxFont / 3);
            last = addText(box, labelFilter(k), boxTexts[k], x + pad + 2, y + pad + 2, boxFont);
        }

        err = avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr, graph);
        if (err < 0) fail(avError(err));
        const enum AVPixelFormat fmts[] = {enc->pix_fmt, AV_PIX_FMT_NONE};
        if ((err = av_opt_set_int_list(sink, "pix_fmts", fmts, AV_PIX_FMT_NONE, AV_OPT_SEARCH_CHILDREN)) < 0 ||
            (err = avfilter_link(last, 0, sink, 0)) < 0 || (err = avfilter_graph_config(graph, nullptr)) < 0)
            fail("cannot set up the filter graph: " + avError(err));
        overlayOn = true;
        if (shownText.empty()) setOverlayEnabled(false);
        boxOn.assign(gBoxes.size(), true);
        for (size_t k = 0; k < gBoxes.size(); ++k) {
            bool on = true;
            if (boxTexts[k].empty()) setEnabled(labelFilter(k), false, on);
            boxOn[k] = on;
        }

        gWidth = f.width;
        gHeight = f.height;
        gFormat = f.format;
        gSar = f.sample_aspect_ratio;
    }

    static std::string labelFilter(size_t k) { return "box_text" + std::to_string(k); }

    // A drawtext filter named `name` after `last`, white on a dark box, at (x, y).
    AVFilterContext* addText(AVFilterContext* last, const std::string& name, const std::string& initial, int x, int y,
                             int size) {
        const AVFilter* drawtext = avfilter_get_by_name("drawtext");
        if (!drawtext) fail("this FFmpeg has no drawtext filter (it needs libfreetype)");
        AVFilterContext* text = avfilter_graph_alloc_filter(graph, drawtext, name.c_str());
        if (!text) fail("out of memory");
        const int border = std::max(2, size * 2 / 5);
        const bool haveFile = fs::exists(kFontFile);
        const std::pair<const char*, std::string> options[] = {
            {haveFile ? "fontfile" : "font", haveFile ? kFontFile : "Sans"},
            {"text", initial.empty() ? std::string(" ") : initial},
            {"expansion", "none"},
            {"fontcolor", "white"},
            {"fontsize", std::to_string(size)},
            {"line_spacing", std::to_string(std::max(1, size / 4))},
            {"box", "1"},
            {"boxcolor", "black@0.6"},
            {"boxborderw", std::to_string(border)},
            {"x", std::to_string(x)},
            {"y", std::to_string(y)},
        };
        int err = 0;
        for (const auto& [key, value] : options)
            if ((err = av_opt_set(text, key, value.c_str(), AV_OPT_SEARCH_CHILDREN)) < 0)
                fail(std::string("drawtext option ") + key + ": " + avError(err));
        if ((err = avfilter_init_str(text, nullptr)) < 0)
            fail(std::string("cannot set up the text overlay (font ") + (haveFile ? kFontFile : "Sans") +
                 "): " + avError(err));
        if ((err = avfilter_link(last, 0, text, 0)) < 0) fail(avError(err));
        return text;
    }

    void setEnabled(const std::string& filter, bool on, bool& state) {
        if (on == state) return;
        if (int err = avfilter_graph_send_command(graph, filter.c_str(), "enable", on ? "1" : "0", nullptr, 0, 0);
            err < 0)
            fail("cannot update the text overlay: " + avError(err));
        state = on;
    }
    void setOverlayEnabled(bool on) {
        bool state = overlayOn;
        setEnabled("overlay_text", on, state);
        overlayOn = state;
    }

    // Shows `text` in drawtext filter `filter` (which holds `shown`); empty hides it.
    void setText(const std::string& filter, const std::string& text, std::string& shown, bool& on) {
        if (text.empty()) {
            setEnabled(filter, false, on);
            shown.clear();
            return;
        }
        if (text != shown) {
            const std::string arg = "text=" + escapeOptionValue(text);
            if (int err = avfilter_graph_send_command(graph, filter.c_str(), "reinit", arg.c_str(), nullptr, 0, 0);
                err < 0)
                fail("cannot update the text overlay: " + avError(err));
            shown = text;
        }
        setEnabled(filter, true, on);
    }
    void setText(const std::string& text) { setText("overlay_text", text, shownText, overlayOn); }

    void drainGraph() {
        for (;;) {
            const int err = av_buffersink_get_frame(sink, filtered);
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return;
            if (err < 0) fail("filtering failed: " + avError(err));
            filtered->pict_type = AV_PICTURE_TYPE_NONE;  // let the encoder choose
            encode(filtered);
            av_frame_unref(filtered);
        }
    }
};

AnnotatedWriter::AnnotatedWriter(const WriterOptions& options) : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    d.opt = options;
    if (options.path.empty()) throw WriterError("cannot write video: no output path given");
    if (options.width <= 0 || options.height <= 0)
        d.fail("invalid frame size " + std::to_string(options.width) + "x" + std::to_string(options.height));
    if (options.timeBase.num <= 0 || options.timeBase.den <= 0) d.fail("invalid time base");
    if (options.frameRate.num > 0 && options.frameRate.den > 0) d.frameRate = options.frameRate;

    if (avformat_alloc_output_context2(&d.oc, nullptr, nullptr, options.path.c_str()) < 0 || !d.oc) {
        const std::string ext = fs::path(options.path).extension().string();
        d.fail(ext.empty() ? std::string("no file extension to pick a container from (use .mp4, .mkv, .avi or .mov)")
                           : "unknown container extension '" + ext + "' (use .mp4, .mkv, .avi or .mov)");
    }
    d.createPartialFile();
    d.fontSize = std::max(12, static_cast<int>(std::lround(options.height / 30.0)));
    d.pkt = av_packet_alloc();
    d.filtered = av_frame_alloc();
    if (!d.pkt || !d.filtered) d.fail("out of memory");

    d.openVideoEncoder();
    d.openAudio();

    if (!(d.oc->oformat->flags & AVFMT_NOFILE))
        if (int err = avio_open(&d.oc->pb, d.partialPath.c_str(), AVIO_FLAG_WRITE); err < 0) d.fail(avError(err));
    if (int err = avformat_write_header(d.oc, nullptr); err < 0) d.fail("cannot write the header: " + avError(err));
}

AnnotatedWriter::~AnnotatedWriter() = default;

void AnnotatedWriter::write(const AVFrame& frame, const std::vector<std::string>& lines) {
    write(frame, lines, {});
}

void AnnotatedWriter::write(const AVFrame& frame, const std::vector<std::string>& lines,
                            const std::vector<Box>& boxes) {
    Impl& d = *impl_;
    if (d.finished) throw WriterError("cannot write '" + d.opt.path + "': already finished");

    AVFrame* in = av_frame_alloc();
    if (!in) d.fail("out of memory");
    struct Free {
        AVFrame*& f;
        ~Free() { av_frame_free(&f); }
    } freeIn{in};
    int err = frame.hw_frames_ctx ? av_hwframe_transfer_data(in, &frame, 0) : av_frame_ref(in, &frame);
    if (err >= 0 && frame.hw_frames_ctx) err = av_frame_copy_props(in, &frame);
    if (err < 0) d.fail("cannot read the frame: " + avError(err));

    // Timestamps: the input's pts, rescaled; anything missing or going backwards is
    // replaced by previous + one frame so the encoder and muxer always see increasing pts.
    int64_t pts = in->pts != AV_NOPTS_VALUE ? in->pts : in->best_effort_timestamp;
    if (pts != AV_NOPTS_VALUE) pts = av_rescale_q(pts, d.opt.timeBase, d.encTb);
    if (d.lastPts != AV_NOPTS_VALUE && (pts == AV_NOPTS_VALUE || pts <= d.lastPts)) pts = d.lastPts + d.frameDur;
    if (pts == AV_NOPTS_VALUE) pts = 0;
    in->pts = pts;
    d.lastPts = pts;

    bool sameBoxes = boxes.size() == d.gBoxes.size();
    for (size_t k = 0; sameBoxes && k < boxes.size(); ++k)
        sameBoxes = boxes[k].x == d.gBoxes[k].x && boxes[k].y == d.gBoxes[k].y && boxes[k].w == d.gBoxes[k].w &&
                    boxes[k].h == d.gBoxes[k].h;
    if (!d.graph || in->width != d.gWidth || in->height != d.gHeight || in->format != d.gFormat ||
        av_cmp_q(in->sample_aspect_ratio, d.gSar) != 0 || !sameBoxes) {
        d.shownText = joinLines(lines);
        d.gBoxes = boxes;
        d.boxTexts.clear();
        for (const Box& b : boxes) d.boxTexts.push_back(joinLines(b.lines));
        d.buildGraph(*in);
    } else {
        d.setText(joinLines(lines));
        for (size_t k = 0; k < boxes.size(); ++k) {
            bool on = d.boxOn[k];
            d.setText(Impl::labelFilter(k), joinLines(boxes[k].lines), d.boxTexts[k], on);
            d.boxOn[k] = on;
        }
    }

    if ((err = av_buffersrc_add_frame(d.src, in)) < 0) d.fail("filtering failed: " + avError(err));
    d.drainGraph();
    ++d.frames;
    d.pumpAudio(pts + d.frameDur);
}

void AnnotatedWriter::finish() {
    Impl& d = *impl_;
    if (d.finished) throw WriterError("cannot write '" + d.opt.path + "': already finished");
    if (d.graph) {
        if (int err = av_buffersrc_add_frame(d.src, nullptr); err < 0) d.fail("filtering failed: " + avError(err));
        d.drainGraph();
    }
    d.encode(nullptr);
    d.pumpAudio(d.lastPts == AV_NOPTS_VALUE ? 0 : d.lastPts + d.frameDur);
    d.stopAudio();
    if (int err = av_write_trailer(d.oc); err < 0) d.fail("cannot finish the file: " + avError(err));
    if (!(d.oc->oformat->flags & AVFMT_NOFILE))
        if (int err = avio_closep(&d.oc->pb); err < 0) d.fail("cannot finish the file: " + avError(err));
    std::error_code ec;
    fs::rename(d.partialPath, d.opt.path, ec);
    if (ec) d.fail("cannot rename the finished file into place: " + ec.message());
    d.finished = true;
}

int64_t AnnotatedWriter::framesWritten() const {
    return impl_->frames;
}
const char* AnnotatedWriter::videoCodecName() const {
    return impl_->enc ? impl_->enc->codec->name : "";
}
bool AnnotatedWriter::hasAudio() const {
    return impl_->oc && impl_->oc->nb_streams > 1;
}

}  // namespace resvk::video
