// The GStreamer element resvkclassify (app/gstreamer/), loaded from the built
// plugin (GST_PLUGIN_PATH=build/gstreamer) on lavapipe: frames pushed through a
// gst-check harness carry the classification metadata, which equals what
// `resvk classify --json` says about the same decoded frames; every pixel
// format it takes reads the same picture; gst-launch runs a decodebin pipeline
// to EOS; bad caps, missing models and bad properties post errors on the bus.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/test_paths.h"

using namespace resvk::test;

namespace {

const char* const kCifarLabels[] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                    "dog",      "frog",       "horse", "ship", "truck"};

void initGst() {
    static bool done = [] {
        gst_init(nullptr, nullptr);
        return true;
    }();
    (void)done;
    REQUIRE(gst_element_factory_find("resvkclassify") != nullptr);  // GST_PLUGIN_PATH must reach build/gstreamer
}

std::string cifarModel(const std::string& depth = "20") {
    return sharedPath("models/cifar10/resnet" + depth + "_cifar10.onnx");
}

struct Ranked {
    std::string label;
    int index = -1;
    double confidence = 0;
};

struct Classification {
    Ranked best;
    std::string model;
    std::vector<Ranked> top;
};

Ranked rankedOf(const GstStructure* s) {
    Ranked r;
    if (const char* l = gst_structure_get_string(s, "label")) r.label = l;
    gst_structure_get_int(s, "index", &r.index);
    gst_structure_get_double(s, "confidence", &r.confidence);
    return r;
}

Classification classificationOf(const GstStructure* s) {
    Classification c;
    REQUIRE(gst_structure_has_name(s, "classification"));
    c.best = rankedOf(s);
    if (const char* m = gst_structure_get_string(s, "model")) c.model = m;
    const GValue* list = gst_structure_get_value(s, "top-k");
    REQUIRE(list != nullptr);
    REQUIRE(GST_VALUE_HOLDS_ARRAY(list));
    for (guint i = 0; i < gst_value_array_get_size(list); ++i)
        c.top.push_back(rankedOf(gst_value_get_structure(gst_value_array_get_value(list, i))));
    return c;
}

// The full-frame region of interest resvkclassify attaches; nullopt when none.
std::optional<Classification> metaOf(GstBuffer* buffer, int width, int height) {
    gpointer state = nullptr;
    while (GstMeta* meta =
               gst_buffer_iterate_meta_filtered(buffer, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)) {
        auto* roi = reinterpret_cast<GstVideoRegionOfInterestMeta*>(meta);
        GstStructure* s = gst_video_region_of_interest_meta_get_param(roi, "classification");
        if (!s) continue;
        CHECK(roi->x == 0);
        CHECK(roi->y == 0);
        CHECK(int(roi->w) == width);
        CHECK(int(roi->h) == height);
        Classification c = classificationOf(s);
        CHECK(g_quark_to_string(roi->roi_type) == c.best.label);
        return c;
    }
    return std::nullopt;
}

void checkSane(const Classification& c, size_t k) {
    REQUIRE(c.top.size() == k);
    CHECK(c.model == "resnet20_cifar10");
    CHECK(c.best.label == c.top[0].label);
    CHECK(c.best.index == c.top[0].index);
    for (size_t i = 0; i < c.top.size(); ++i) {
        REQUIRE(c.top[i].index >= 0);
        REQUIRE(c.top[i].index < 10);
        CHECK(c.top[i].label == kCifarLabels[c.top[i].index]);
        CHECK(c.top[i].confidence >= 0.0);
        CHECK(c.top[i].confidence <= 1.0);
        if (i) CHECK(c.top[i].confidence <= c.top[i - 1].confidence);
    }
}

// A harness around one resvkclassify with these properties (gst-launch syntax),
// fed by `source` (a gst-launch bin description whose last pad is ghosted).
struct Harness {
    GstHarness* h;
    GstBus* bus;
    Harness(const std::string& properties, const std::string& source) {
        initGst();
        h = gst_harness_new_parse(("resvkclassify " + properties).c_str());
        bus = gst_bus_new();
        gst_element_set_bus(h->element, bus);
        // A trailing caps filter needs an element after it to parse.
        if (!source.empty()) gst_harness_add_src_parse(h, (source + " ! identity").c_str(), FALSE);
    }
    ~Harness() {
        gst_harness_teardown(h);
        gst_object_unref(bus);
    }
    // Buffers out until none is waiting.
    std::vector<GstBuffer*> pullAll() {
        std::vector<GstBuffer*> out;
        while (GstBuffer* b = gst_harness_try_pull(h)) out.push_back(b);
        return out;
    }
    std::vector<const GstStructure*> messages(std::vector<GstMessage*>& keep) {
        std::vector<const GstStructure*> out;
        while (GstMessage* m = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT)) {
            keep.push_back(m);
            out.push_back(gst_message_get_structure(m));
        }
        return out;
    }
};

std::string propertiesFor(const std::string& extra) {
    return "model=" + cifarModel() + " center-crop=false " + extra;
}

// Runs a pipeline until EOS or an error; returns the error text ("" on EOS).
std::string runPipeline(const std::string& description, std::vector<GstMessage*>* elementMessages = nullptr,
                        std::vector<GstMessage*>* warnings = nullptr,
                        const std::function<void(GstElement*)>& prepare = {}) {
    initGst();
    GError* error = nullptr;
    GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
    if (error) {
        std::string text = error->message;
        g_error_free(error);
        if (pipeline) gst_object_unref(pipeline);
        return "parse: " + text;
    }
    if (prepare) prepare(pipeline);
    GstBus* bus = gst_element_get_bus(pipeline);
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    std::string result = "timeout";
    for (;;) {
        GstMessage* m =
            gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND,
                                       static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
                                                                   GST_MESSAGE_ELEMENT | GST_MESSAGE_WARNING));
        if (!m) break;
        if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_WARNING) {
            if (warnings)
                warnings->push_back(m);
            else
                gst_message_unref(m);
            continue;
        }
        if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ELEMENT) {
            if (elementMessages && gst_structure_has_name(gst_message_get_structure(m), "classification"))
                elementMessages->push_back(m);
            else
                gst_message_unref(m);
            continue;
        }
        if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS) {
            result = "";
        } else {
            GError* e = nullptr;
            gchar* debug = nullptr;
            gst_message_parse_error(m, &e, &debug);
            result = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(m))) + ": " + e->message;
            g_error_free(e);
            g_free(debug);
        }
        gst_message_unref(m);
        break;
    }
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(bus);
    gst_object_unref(pipeline);
    return result;
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

// `resvk classify --json` lines: frame -> top entries.
std::map<int64_t, std::vector<Ranked>> cliResults(const std::string& out) {
    std::map<int64_t, std::vector<Ranked>> results;
    const std::regex frameRe("\"frame\":([0-9]+)");
    const std::regex topRe("\\{\"label\":\"([^\"]*)\",\"index\":([0-9]+),\"prob\":([-+0-9.eE]+)\\}");
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (!std::regex_search(line, m, frameRe)) continue;
        const int64_t frame = std::stoll(m[1]);
        auto& top = results[frame];
        for (auto it = std::sregex_iterator(line.begin(), line.end(), topRe); it != std::sregex_iterator(); ++it)
            top.push_back({(*it)[1], std::stoi((*it)[2]), std::stod((*it)[3])});
    }
    return results;
}

}  // namespace

TEST_CASE("resvkclassify: videotestsrc frames get a classification meta and a bus message each", "[gstreamer]") {
    Harness h(propertiesFor("top-k=3"), "videotestsrc pattern=smpte ! video/x-raw,format=I420,width=96,height=64");
    for (int i = 0; i < 3; ++i) REQUIRE(gst_harness_push_from_src(h.h) == GST_FLOW_OK);
    auto buffers = h.pullAll();
    REQUIRE(buffers.size() == 3);
    std::vector<GstMessage*> keep;
    auto messages = h.messages(keep);
    REQUIRE(messages.size() == 3);
    for (size_t i = 0; i < buffers.size(); ++i) {
        auto meta = metaOf(buffers[i], 96, 64);
        REQUIRE(meta);
        checkSane(*meta, 3);
        const Classification posted = classificationOf(messages[i]);
        CHECK(posted.best.label == meta->best.label);
        CHECK(posted.best.confidence == meta->best.confidence);
        guint64 frame = 99;
        GstClockTime timestamp = 0;
        REQUIRE(gst_structure_get_uint64(messages[i], "frame", &frame));
        CHECK(frame == i);
        REQUIRE(gst_structure_get_uint64(messages[i], "timestamp", &timestamp));
        CHECK(timestamp == GST_BUFFER_PTS(buffers[i]));
        gst_buffer_unref(buffers[i]);
    }
    for (auto* m : keep) gst_message_unref(m);
}

// Pushes one buffer from the harness's source; the classification meta of what comes out.
auto pushOne(Harness& h, int width, int height) {
    REQUIRE(gst_harness_push_from_src(h.h) == GST_FLOW_OK);
    GstBuffer* b = gst_harness_pull(h.h);
    auto meta = metaOf(b, width, height);
    gst_buffer_unref(b);
    return meta;
}

TEST_CASE("resvkclassify: every pixel format it takes reads the same picture", "[gstreamer]") {
    // videoconvert reorders planes and bytes losslessly between formats of one
    // family, so each family must give the first format's probabilities: a
    // swapped plane or channel would not.
    const std::vector<std::vector<std::string>> families = {
        {"I420", "YV12", "NV12", "NV21"},
        {"Y444", "NV24"},
        {"Y42B", "NV16", "YUY2", "UYVY", "YVYU"},
        {"RGB", "BGR", "RGBx", "BGRx", "xRGB", "xBGR", "RGBA", "BGRA", "ARGB", "ABGR"}};
    const std::map<std::string, std::string> sourceOf = {
        {"I420", "I420"}, {"Y444", "Y444"}, {"Y42B", "Y42B"}, {"RGB", "RGB"}};
    std::vector<int> bestPerFamily;
    // One engine for all (model-instance-id): the device and kernels are made once.
    Harness keeper(propertiesFor("model-instance-id=formats"), "");
    for (const auto& family : families) {
        std::vector<double> reference;
        for (const auto& format : family) {
            INFO("format " << format);
            Harness h(propertiesFor("top-k=10 model-instance-id=formats"),
                      "videotestsrc pattern=smpte ! video/x-raw,format=" + sourceOf.at(family[0]) +
                          ",width=80,height=60 ! videoconvert ! video/x-raw,format=" + format);
            auto meta = pushOne(h, 80, 60);
            REQUIRE(meta);
            checkSane(*meta, 10);
            std::vector<double> probs(10);
            for (const auto& r : meta->top) probs[r.index] = r.confidence;
            if (reference.empty()) {
                reference = probs;
                bestPerFamily.push_back(meta->best.index);
            }
            for (int c = 0; c < 10; ++c) CHECK(std::fabs(probs[c] - reference[c]) < 1e-5);
        }
    }
    // GRAY8: one plane, read as grey.
    Harness gray(propertiesFor("model-instance-id=formats"),
                 "videotestsrc pattern=smpte ! video/x-raw,format=GRAY8,width=80,height=60");
    auto meta = pushOne(gray, 80, 60);
    REQUIRE(meta);
    checkSane(*meta, 5);
}

TEST_CASE("resvkclassify: precision=fp16 stores halves yet gives fp32's probabilities", "[gstreamer]") {
    std::vector<double> probs[2];
    const char* precisions[] = {"fp32", "fp16"};
    for (int k = 0; k < 2; ++k) {
        Harness h(propertiesFor(std::string("top-k=10 precision=") + precisions[k]),
                  "videotestsrc pattern=smpte ! video/x-raw,format=I420,width=80,height=60");
        auto meta = pushOne(h, 80, 60);
        REQUIRE(meta);
        checkSane(*meta, 10);
        probs[k].assign(10, 0.0);
        for (const auto& r : meta->top) probs[k][r.index] = r.confidence;
    }
    // Halves round every stored activation (2^-11): probabilities move, by well under 1 %.
    bool identical = true;
    for (int c = 0; c < 10; ++c) {
        CHECK(std::fabs(probs[1][c] - probs[0][c]) < 1e-2);
        identical = identical && probs[1][c] == probs[0][c];
    }
    CHECK_FALSE(identical);  // fp16 really ran
}

TEST_CASE("resvkclassify: metadata equals resvk classify --json on the same decoded frames", "[gstreamer]") {
    // vtest.avi (msmpeg4v3, I420) and tree.avi (cinepak, RGB): FFmpeg decodes
    // both for the CLI and (gst-libav) for the element, so the frames are the same.
    struct Clip {
        std::string file;
        int frames, every, width, height;
    };
    for (const Clip& clip : {Clip{"media/vtest.avi", 160, 40, 768, 576}, Clip{"media/tree.avi", 60, 20, 320, 240}}) {
        INFO(clip.file);
        const std::string path = sharedPath(clip.file);
        const Result cli = runResvk({"classify", path, "--model", cifarModel(), "--no-crop", "--json", "--every",
                                     std::to_string(clip.every), "--top", "5"},
                                    "timeout -k 5 120");
        REQUIRE(cli.code == 0);
        const auto expected = cliResults(cli.out);
        REQUIRE(expected.size() >= size_t(clip.frames / clip.every));

        // A decoding pipeline hands its first frames to the harness (decodebin
        // cannot sit inside a harness: it prerolls asynchronously). batch-size 3:
        // buffers wait for their batch, EOS drains the last one.
        Harness h(propertiesFor("batch-size=3 inference-interval=" + std::to_string(clip.every)), "");
        struct Feed {
            GstHarness* h;
            int left;
            bool failed = false;
            bool capsSet = false;
        } feed{h.h, clip.frames};
        auto handoff = +[](GstElement*, GstBuffer* buffer, GstPad* pad, gpointer data) {
            auto* f = static_cast<Feed*>(data);
            if (f->left <= 0) return;
            --f->left;
            if (!f->capsSet) {  // the clip's caps do not change
                gst_harness_set_src_caps(f->h, gst_pad_get_current_caps(pad));
                f->capsSet = true;
            }
            if (gst_harness_push(f->h, gst_buffer_ref(buffer)) != GST_FLOW_OK) f->failed = true;
        };
        initGst();
        GstElement* decode = gst_parse_launch(
            ("filesrc location=" + path + " ! decodebin ! fakesink name=sink sync=false signal-handoffs=true").c_str(),
            nullptr);
        REQUIRE(decode);
        GstElement* sink = gst_bin_get_by_name(GST_BIN(decode), "sink");
        g_signal_connect(sink, "handoff", G_CALLBACK(handoff), &feed);
        gst_element_set_state(decode, GST_STATE_PLAYING);
        GstBus* decodeBus = gst_element_get_bus(decode);
        GstMessage* end = gst_bus_timed_pop_filtered(decodeBus, 60 * GST_SECOND,
                                                     static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
        REQUIRE(end);
        CHECK(GST_MESSAGE_TYPE(end) == GST_MESSAGE_EOS);
        gst_message_unref(end);
        gst_element_set_state(decode, GST_STATE_NULL);
        gst_object_unref(decodeBus);
        gst_object_unref(sink);
        gst_object_unref(decode);
        REQUIRE(feed.left == 0);
        REQUIRE(!feed.failed);
        REQUIRE(gst_harness_push_event(h.h, gst_event_new_eos()));
        auto buffers = h.pullAll();
        REQUIRE(int(buffers.size()) == clip.frames);
        int compared = 0;
        for (int i = 0; i < clip.frames; ++i) {
            auto meta = metaOf(buffers[i], clip.width, clip.height);
            gst_buffer_unref(buffers[i]);
            INFO("frame " << i);
            if (i % clip.every != 0) {
                CHECK(!meta);
                continue;
            }
            REQUIRE(meta);
            const auto& want = expected.at(i);
            REQUIRE(meta->top.size() == want.size());
            for (size_t k = 0; k < want.size(); ++k) {
                CHECK(meta->top[k].label == want[k].label);
                CHECK(meta->top[k].index == want[k].index);
                CHECK(std::fabs(meta->top[k].confidence - want[k].confidence) < 1e-4);
            }
            ++compared;
        }
        CHECK(compared == clip.frames / clip.every);
    }
}

TEST_CASE("resvkclassify: gst-launch-1.0 runs filesrc ! decodebin ! videoconvert ! resvkclassify ! fakesink to EOS",
          "[gstreamer]") {
    const Result r =
        runCaptured("timeout -k 5 120 gst-launch-1.0 -m filesrc location=" + quote(sharedPath("media/tree.avi")) +
                    " ! decodebin ! videoconvert ! resvkclassify " + "model=" + quote(cifarModel()) +
                    " center-crop=false inference-interval=50 ! fakesink");
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(contains(r.out, "Got EOS"));
    CHECK(contains(r.out, "classification, label=(string)"));
}

TEST_CASE("resvkclassify: gst-inspect-1.0 documents the element and its properties", "[gstreamer]") {
    const Result r = runCaptured("gst-inspect-1.0 resvkclassify");
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    for (const char* text : {"model", "labels", "device", "precision", "top-k", "smooth", "inference-interval",
                             "batch-size", "model-instance-id", "center-crop", "resize", "mean", "std", "fp32",
                             "GstVideoRegionOfInterestMeta", "I420", "NV12", "BGRx"})
        CHECK(contains(r.out, text));
}

TEST_CASE("resvkclassify: elements with one model-instance-id share an engine that must match", "[gstreamer]") {
    const std::string src = "videotestsrc num-buffers=4 ! video/x-raw,width=64,height=48 ! tee name=t ";
    std::vector<GstMessage*> messages;
    CHECK(runPipeline(src + "t. ! queue ! resvkclassify model-instance-id=a " + propertiesFor("") +
                          " ! fakesink t. ! queue ! resvkclassify model-instance-id=a " + propertiesFor("") +
                          " ! fakesink",
                      &messages) == "");
    CHECK(messages.size() == 8);
    for (auto* m : messages) gst_message_unref(m);
    const std::string err = runPipeline(src + "t. ! queue ! resvkclassify model-instance-id=b " + propertiesFor("") +
                                        " ! fakesink t. ! queue ! resvkclassify model-instance-id=b center-crop=false"
                                        " model=" +
                                        cifarModel("32") + " ! fakesink");
    CHECK(contains(err, "model-instance-id 'b' is in use with"));
}

TEST_CASE("resvkclassify: missing models, bad properties and bad caps post errors on the bus", "[gstreamer]") {
    const std::string src = "videotestsrc num-buffers=2 ! video/x-raw,width=64,height=48 ! ";
    struct Case {
        std::string properties, expect;
    };
    const std::string dir = tempDir();
    const std::string notAModel = dir + "/not-a-model.onnx";
    std::FILE* f = std::fopen(notAModel.c_str(), "w");
    std::fputs("this is not ONNX", f);
    std::fclose(f);
    for (const Case& c : {
             Case{"", "no model: set model=FILE.onnx"},
             Case{"model=/nonexistent/model.onnx", "/nonexistent/model.onnx"},
             Case{"model=" + notAModel, notAModel},
             Case{propertiesFor("smooth=1"), "smooth takes a weight of the past in [0, 1)"},
             Case{propertiesFor("labels=/nonexistent/labels.txt"), "/nonexistent/labels.txt"},
             Case{propertiesFor("mean=1,2"), "mean expects three numbers R,G,B, got '1,2'"},
             Case{propertiesFor("std=0,1,1"), "std"},
             Case{propertiesFor("device=99"), "device"},
             Case{propertiesFor("resize=8"), "resize"},
         }) {
        INFO("properties: " << c.properties);
        const std::string err = runPipeline(src + "resvkclassify name=rc " + c.properties + " ! fakesink");
        CHECK(contains(err, "rc: "));
        CHECK(contains(err, c.expect));
    }
    // Caps the element cannot read: a clear message from the element, not a crash.
    {
        Harness h(propertiesFor(""), "");
        REQUIRE(gst_harness_push_event(h.h, gst_event_new_stream_start("gray16")));
        GstCaps* gray16 = gst_caps_from_string("video/x-raw,format=GRAY16_LE,width=64,height=48,framerate=25/1");
        gst_harness_push_event(h.h, gst_event_new_caps(gray16));  // sticky: refused, but stored
        gst_caps_unref(gray16);
        GstMessage* m = gst_bus_pop_filtered(h.bus, GST_MESSAGE_ERROR);
        REQUIRE(m);
        GError* e = nullptr;
        gst_message_parse_error(m, &e, nullptr);
        CHECK(contains(e->message, "cannot read GRAY16_LE frames"));
        CHECK(contains(e->message, "videoconvert"));
        g_error_free(e);
        gst_message_unref(m);
    }
    // gst-launch syntax refuses the link at once, naming the element and the caps.
    CHECK(contains(runPipeline("videotestsrc ! video/x-raw,format=GRAY16_LE ! resvkclassify name=rc " +
                               propertiesFor("") + " ! fakesink"),
                   "rc can't handle caps video/x-raw, format=(string)GRAY16_LE"));
    // Linked without a check (as an application may), negotiation fails while
    // playing: the element's warning says why, then the source's error ends the run.
    std::vector<GstMessage*> warnings;
    const std::string err =
        runPipeline("videotestsrc num-buffers=2 ! video/x-raw,format=GRAY16_LE ! queue name=q  resvkclassify name=rc " +
                        propertiesFor("") + " ! fakesink",
                    nullptr, &warnings, [](GstElement* pipeline) {
                        GstElement* q = gst_bin_get_by_name(GST_BIN(pipeline), "q");
                        GstElement* rc = gst_bin_get_by_name(GST_BIN(pipeline), "rc");
                        GstPad* from = gst_element_get_static_pad(q, "src");
                        GstPad* to = gst_element_get_static_pad(rc, "sink");
                        REQUIRE(gst_pad_link_full(from, to, GST_PAD_LINK_CHECK_NOTHING) == GST_PAD_LINK_OK);
                        for (gpointer o : {gpointer(from), gpointer(to), gpointer(q), gpointer(rc)})
                            gst_object_unref(o);
                    });
    CHECK(err != "");
    CHECK(err != "timeout");
    REQUIRE(warnings.size() == 1);
    GError* e = nullptr;
    gst_message_parse_warning(warnings[0], &e, nullptr);
    CHECK(contains(e->message, "cannot read video/x-raw, format=(string)GRAY16_LE"));
    CHECK(contains(e->message, "videoconvert"));
    g_error_free(e);
    gst_message_unref(warnings[0]);
}
