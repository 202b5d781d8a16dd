#include "resvk_classify.h"

#include <dlfcn.h>
#include <gst/video/video.h>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "classification_meta.h"
#include "classify/model_input.h"
#include "classify/result_sink.h"
#include "classify/shipped_labels.h"
#include "classify/smoothing.h"
#include "classify/topk.h"
#include "model_registry.h"
#include "properties.h"
#include "shared_engine.h"
#include "video/picture_classifier.h"
#include "video_formats.h"

GST_DEBUG_CATEGORY_STATIC(resvk_classify_debug);
#define GST_CAT_DEFAULT resvk_classify_debug

namespace {

using namespace resvk;
using gst::Settings;

// A buffer waiting for its batch: item is its batch index, -1 when this frame
// is not classified (inference-interval) and only keeps its place in the order.
struct Pending {
    GstBuffer* buffer;
    int item;
    guint64 frame;
};

// Everything the element holds while running (between start and stop).
struct Running {
    Settings settings;  // as at start
    std::string modelName;
    std::vector<std::string> labels;
    std::shared_ptr<gst::SharedEngine> engine;
    std::unique_ptr<video::PictureClassifier> classifier;
    std::unique_ptr<classify::ProbabilitySmoother> smoother;
    double smoothing = 0.0;
    GstVideoInfo info{};
    std::optional<video::PixelLayout> layout;
    guint64 frames = 0;
    int uploaded = 0;
    std::deque<Pending> pending;
    std::deque<GstBuffer*> ready;

    ~Running() {
        for (auto& p : pending) gst_buffer_unref(p.buffer);
        for (auto* b : ready) gst_buffer_unref(b);
        if (engine) {
            auto lock = engine->lock();  // the classifier's GPU objects go while nobody else uses the device
            classifier.reset();
        }
    }
};

}  // namespace

struct _ResvkClassify {
    GstBaseTransform parent;
    Settings* settings;   // the properties, under the object lock
    Running* running;     // null outside start..stop; used from the streaming thread only
    gboolean warnedCaps;  // the caps warning is posted once
};

G_DEFINE_TYPE(ResvkClassify, resvk_classify, GST_TYPE_BASE_TRANSFORM)
GST_ELEMENT_REGISTER_DEFINE(resvkclassify, "resvkclassify", GST_RANK_NONE, RESVK_TYPE_CLASSIFY)

namespace {

ResvkClassify* self(gpointer object) {
    return RESVK_CLASSIFY(object);
}

Settings settingsOf(ResvkClassify* s) {
    GST_OBJECT_LOCK(s);
    Settings copy = *s->settings;
    GST_OBJECT_UNLOCK(s);
    return copy;
}

// Where the shipped label lists are for this plugin: labels/ in the build tree
// (build/gstreamer/../labels) or <prefix>/share/resvk/labels when installed in
// <prefix>/lib/<arch>/gstreamer-1.0: the plugin's ancestors are searched.
std::vector<std::string> shippedLabelDirsOfPlugin() {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void*>(&shippedLabelDirsOfPlugin), &info) || !info.dli_fname) return {};
    std::vector<std::string> dirs;
    std::filesystem::path dir = std::filesystem::path(info.dli_fname).parent_path();
    for (int up = 0; up < 4 && !dir.empty(); ++up, dir = dir.parent_path()) {
        dirs.push_back((dir / "labels").string());
        dirs.push_back((dir / "share/resvk/labels").string());
        if (dir == dir.parent_path()) break;
    }
    return dirs;
}

// "R,G,B" -> three numbers; throws OptionError naming the property.
std::optional<std::array<float, 3>> triple(const std::string& text, const char* property) {
    if (text.empty()) return std::nullopt;
    std::array<float, 3> v{};
    char tail = 0;
    if (std::sscanf(text.c_str(), "%f,%f,%f%c", &v[0], &v[1], &v[2], &tail) != 3)
        throw classify::OptionError(std::string(property) + " expects three numbers R,G,B, got '" + text + "'");
    return v;
}

// Loads (or shares) the engine and makes this element's classifier. Throws with
// one line; `domain`/`code` say what kind of error to post.
void setUp(Running& r) {
    const Settings& s = r.settings;
    if (s.model.empty()) throw classify::OptionError("no model: set model=FILE.onnx (an ONNX image classifier)");
    if (s.smooth >= 1.0) throw classify::OptionError("smooth takes a weight of the past in [0, 1); 1 would freeze");
    classify::PreprocessChoice choice;
    if (s.resize > 0) choice.resize = s.resize;
    choice.noCrop = !s.centerCrop;
    choice.mean = triple(s.mean, "mean");
    choice.std = triple(s.std, "std");

    const std::string modelPath = app::resolveModelPath(s.model);
    r.modelName = std::filesystem::path(modelPath).stem().string();
    r.engine = gst::SharedEngine::acquire(s.instanceId, {modelPath, s.device, gst::precisionNick(s.precision)});
    const classify::InputGeometry g = classify::checkInput(r.engine->model());
    const classify::PreprocessOptions prep = classify::preprocessOptions(g, choice);
    if (g.batch > 0 && static_cast<int>(s.batchSize) != g.batch)
        throw classify::OptionError("batch-size=" + std::to_string(s.batchSize) + ": the model '" + s.model +
                                    "' takes batches of exactly " + std::to_string(g.batch));
    r.labels = classify::findLabels(s.labels.empty() ? std::nullopt : std::optional<std::string>(s.labels), modelPath,
                                    shippedLabelDirsOfPlugin());
    r.smoothing = s.smooth;
    r.smoother = std::make_unique<classify::ProbabilitySmoother>(static_cast<float>(s.smooth));
    auto lock = r.engine->lock();
    r.classifier = std::make_unique<video::PictureClassifier>(r.engine->context(), r.engine->kernels(),
                                                              r.engine->model(), prep, static_cast<int>(s.batchSize));
}

gboolean start(GstBaseTransform* trans) {
    ResvkClassify* s = self(trans);
    auto running = std::make_unique<Running>();
    running->settings = settingsOf(s);
    try {
        setUp(*running);
    } catch (const classify::OptionError& e) {
        GST_ELEMENT_ERROR(s, RESOURCE, SETTINGS, ("%s", e.what()), (nullptr));
        return FALSE;
    } catch (const vk::Error& e) {
        GST_ELEMENT_ERROR(s, LIBRARY, INIT, ("%s", e.what()), (nullptr));
        return FALSE;
    } catch (const std::exception& e) {
        // Model files and label files: missing, unreadable, not an image classifier.
        GST_ELEMENT_ERROR(s, RESOURCE, OPEN_READ, ("%s", e.what()), (nullptr));
        return FALSE;
    }
    GST_INFO_OBJECT(s, "classifying with %s on %s", running->settings.model.c_str(),
                    running->engine->context().info().name.c_str());
    s->running = running.release();
    return TRUE;
}

gboolean stop(GstBaseTransform* trans) {
    ResvkClassify* s = self(trans);
    delete s->running;
    s->running = nullptr;
    return TRUE;
}

gboolean setCaps(GstBaseTransform* trans, GstCaps* incaps, GstCaps*) {
    ResvkClassify* s = self(trans);
    Running& r = *s->running;
    if (!gst_video_info_from_caps(&r.info, incaps) || !(r.layout = gst::layoutOf(GST_VIDEO_INFO_FORMAT(&r.info)))) {
        gchar* text = gst_caps_to_string(incaps);
        GST_ELEMENT_ERROR(s, CORE, NEGOTIATION, ("resvkclassify cannot read %s", text), (nullptr));
        g_free(text);
        return FALSE;
    }
    return TRUE;
}

// Runs the uploaded batch, attaches the results and moves every pending buffer
// (in order) to the ready queue.
GstFlowReturn runBatch(ResvkClassify* s) {
    Running& r = *s->running;
    std::vector<std::vector<float>> probs;
    if (r.uploaded > 0) {
        try {
            auto lock = r.engine->lock();
            probs = r.classifier->run(r.uploaded);
        } catch (const std::exception& e) {
            GST_ELEMENT_ERROR(s, STREAM, FAILED, ("classification failed: %s", e.what()), (nullptr));
            return GST_FLOW_ERROR;
        }
    }
    const Settings now = settingsOf(s);
    if (now.smooth != r.smoothing && now.smooth < 1.0) {  // changed while playing: restart the average
        r.smoothing = now.smooth;
        r.smoother = std::make_unique<classify::ProbabilitySmoother>(static_cast<float>(now.smooth));
    }
    GstBaseTransform* trans = GST_BASE_TRANSFORM(s);
    for (auto& p : r.pending) {
        if (p.item >= 0) {
            const auto top =
                classify::rankLabels(classify::topK(r.smoother->update(probs.at(p.item)), int(now.topK)), r.labels);
            if (!top.empty()) {
                gst::attachClassification(p.buffer, r.info, top, r.modelName);
                const GstClockTime pts = GST_BUFFER_PTS(p.buffer);
                gst_element_post_message(
                    GST_ELEMENT(s),
                    gst::classificationMessage(GST_OBJECT(s), top, r.modelName, p.frame, pts,
                                               gst_segment_to_stream_time(&trans->segment, GST_FORMAT_TIME, pts),
                                               gst_segment_to_running_time(&trans->segment, GST_FORMAT_TIME, pts)));
            }
        }
        r.ready.push_back(p.buffer);
    }
    r.pending.clear();
    r.uploaded = 0;
    return GST_FLOW_OK;
}

// Classifies what waits for a full batch and pushes everything held downstream
// (before EOS and other serialized events, which must not overtake buffers).
GstFlowReturn drain(ResvkClassify* s) {
    Running* r = s->running;
    if (!r) return GST_FLOW_OK;
    GstFlowReturn ret = runBatch(s);
    while (ret == GST_FLOW_OK && !r->ready.empty()) {
        GstBuffer* b = r->ready.front();
        r->ready.pop_front();
        ret = gst_pad_push(GST_BASE_TRANSFORM_SRC_PAD(s), b);
    }
    return ret;
}

// Buffers come in through the base class's submit_input_buffer (trans->queued_buf)
// and leave here, one per call, in order; a classified one waits until its batch
// is full (batch-size) and takes the buffers behind it along.
GstFlowReturn generateOutput(GstBaseTransform* trans, GstBuffer** outbuf) {
    ResvkClassify* s = self(trans);
    Running& r = *s->running;
    *outbuf = nullptr;
    GstBuffer* in = trans->queued_buf;
    trans->queued_buf = nullptr;
    if (in) {
        const guint64 frame = r.frames++;
        GST_OBJECT_LOCK(s);
        const guint interval = s->settings->interval;
        GST_OBJECT_UNLOCK(s);
        if (frame % interval != 0) {
            r.pending.push_back({in, -1, frame});
        } else {
            in = gst_buffer_make_writable(in);  // for the metadata; the memory stays shared
            GstVideoFrame mapped;
            if (!gst_video_frame_map(&mapped, &r.info, in, GST_MAP_READ)) {
                gst_buffer_unref(in);
                GST_ELEMENT_ERROR(s, STREAM, FAILED, ("cannot map video frame %" G_GUINT64_FORMAT, frame), (nullptr));
                return GST_FLOW_ERROR;
            }
            try {
                auto lock = r.engine->lock();
                r.classifier->upload(gst::pictureOf(mapped, *r.layout), r.uploaded);
            } catch (const std::exception& e) {
                gst_video_frame_unmap(&mapped);
                gst_buffer_unref(in);
                GST_ELEMENT_ERROR(s, STREAM, FAILED, ("frame %" G_GUINT64_FORMAT ": %s", frame, e.what()), (nullptr));
                return GST_FLOW_ERROR;
            }
            gst_video_frame_unmap(&mapped);
            r.pending.push_back({in, r.uploaded++, frame});
            if (r.uploaded == r.classifier->maxBatch())
                if (GstFlowReturn ret = runBatch(s); ret != GST_FLOW_OK) return ret;
        }
        // Nothing waits for a batch: the buffers pass at once.
        if (r.uploaded == 0) {
            for (auto& p : r.pending) r.ready.push_back(p.buffer);
            r.pending.clear();
        }
    }
    if (!r.ready.empty()) {
        *outbuf = r.ready.front();
        r.ready.pop_front();
    }
    return GST_FLOW_OK;
}

// Caps the element cannot take get a message saying what to put before it
// (videoconvert, a decoder), instead of a bare not-negotiated.
bool refuseCaps(ResvkClassify* s, GstCaps* caps) {
    GstStructure* st = gst_caps_get_structure(caps, 0);
    if (!st) return false;
    const char* media = gst_structure_get_name(st);
    if (!g_str_equal(media, "video/x-raw") || gst_caps_get_features(caps, 0) == nullptr ||
        !gst_caps_features_is_equal(gst_caps_get_features(caps, 0), GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) {
        gchar* text = gst_caps_to_string(caps);
        GST_ELEMENT_ERROR(s, CORE, NEGOTIATION,
                          ("resvkclassify takes decoded video in system memory (video/x-raw), not %s: "
                           "put decodebin (and videoconvert) before it",
                           text),
                          (nullptr));
        g_free(text);
        return true;
    }
    const char* format = gst_structure_get_string(st, "format");
    if (format && !gst::layoutOf(gst_video_format_from_string(format))) {
        GST_ELEMENT_ERROR(s, CORE, NEGOTIATION,
                          ("resvkclassify cannot read %s frames; it reads %s: put videoconvert before it", format,
                           gst::formatNames().c_str()),
                          (nullptr));
        return true;
    }
    return false;
}

// Upstream asking with caps nothing of which the element reads (a capsfilter
// fixing GRAY16_LE, say) ends in a bare not-negotiated error from the source:
// say once what the element reads and what to put before it.
gboolean query(GstBaseTransform* trans, GstPadDirection direction, GstQuery* q) {
    const gboolean handled = GST_BASE_TRANSFORM_CLASS(resvk_classify_parent_class)->query(trans, direction, q);
    if (handled && direction == GST_PAD_SINK && GST_QUERY_TYPE(q) == GST_QUERY_CAPS) {
        GstCaps *filter = nullptr, *result = nullptr;
        gst_query_parse_caps(q, &filter);
        gst_query_parse_caps_result(q, &result);
        ResvkClassify* s = self(trans);
        if (filter && result && gst_caps_is_empty(result) && !gst_caps_is_empty(filter) && !s->warnedCaps) {
            s->warnedCaps = TRUE;
            gchar* text = gst_caps_to_string(filter);
            GST_ELEMENT_WARNING(s, CORE, NEGOTIATION,
                                ("resvkclassify cannot read %s; it reads video/x-raw in %s: put videoconvert "
                                 "(after a decoder) before it",
                                 text, gst::formatNames().c_str()),
                                (nullptr));
            g_free(text);
        }
    }
    return handled;
}

// The pad asks this before it takes a caps event; upstream may ask it too while
// negotiating, but then with caps drawn from this element's own, so a refusal of
// fixed caps that share nothing with the template is the end of negotiation.
gboolean acceptCaps(GstBaseTransform* trans, GstPadDirection direction, GstCaps* caps) {
    const gboolean accepted =
        GST_BASE_TRANSFORM_CLASS(resvk_classify_parent_class)->accept_caps(trans, direction, caps);
    if (!accepted && direction == GST_PAD_SINK && gst_caps_is_fixed(caps)) {
        GstCaps* ours = gst_pad_get_pad_template_caps(GST_BASE_TRANSFORM_SINK_PAD(trans));
        if (!gst_caps_can_intersect(caps, ours)) refuseCaps(self(trans), caps);
        gst_caps_unref(ours);
    }
    return accepted;
}

gboolean sinkEvent(GstBaseTransform* trans, GstEvent* event) {
    ResvkClassify* s = self(trans);
    switch (GST_EVENT_TYPE(event)) {
        case GST_EVENT_FLUSH_STOP:
            if (Running* r = s->running) {
                for (auto& p : r->pending) gst_buffer_unref(p.buffer);
                for (auto* b : r->ready) gst_buffer_unref(b);
                r->pending.clear();
                r->ready.clear();
                r->uploaded = 0;
            }
            break;
        default:
            break;
    }
    if (GST_EVENT_IS_SERIALIZED(event) && GST_EVENT_TYPE(event) != GST_EVENT_FLUSH_STOP) {
        const GstFlowReturn ret = drain(s);
        if (ret != GST_FLOW_OK && ret != GST_FLOW_FLUSHING && ret != GST_FLOW_EOS) {
            GST_WARNING_OBJECT(s, "pushing held buffers before %s: %s", GST_EVENT_TYPE_NAME(event),
                               gst_flow_get_name(ret));
        }
    }
    return GST_BASE_TRANSFORM_CLASS(resvk_classify_parent_class)->sink_event(trans, event);
}

void setProperty(GObject* object, guint id, const GValue* value, GParamSpec* pspec) {
    ResvkClassify* s = self(object);
    GST_OBJECT_LOCK(s);
    const bool known = gst::writeSetting(*s->settings, id, value);
    GST_OBJECT_UNLOCK(s);
    if (!known) G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

void getProperty(GObject* object, guint id, GValue* value, GParamSpec* pspec) {
    ResvkClassify* s = self(object);
    GST_OBJECT_LOCK(s);
    const bool known = gst::readSetting(*s->settings, id, value);
    GST_OBJECT_UNLOCK(s);
    if (!known) G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

void finalize(GObject* object) {
    ResvkClassify* s = self(object);
    delete s->running;
    delete s->settings;
    G_OBJECT_CLASS(resvk_classify_parent_class)->finalize(object);
}

}  // namespace

static void resvk_classify_class_init(ResvkClassifyClass* klass) {
    GST_DEBUG_CATEGORY_INIT(resvk_classify_debug, "resvkclassify", 0, "resvk video classification");
    GObjectClass* oc = G_OBJECT_CLASS(klass);
    oc->set_property = setProperty;
    oc->get_property = getProperty;
    oc->finalize = finalize;
    gst::installProperties(oc);

    GstElementClass* ec = GST_ELEMENT_CLASS(klass);
    gst_element_class_set_static_metadata(
        ec, "resvk classifier", "Filter/Analyzer/Video",
        "Classifies raw video frames with an ONNX ResNet on the GPU (Vulkan compute; Mesa lavapipe without one). "
        "Buffers pass through untouched; each classified frame gets a full-frame GstVideoRegionOfInterestMeta "
        "whose params hold a 'classification' structure (label, index, confidence, model, top-k), and the same "
        "structure with frame, timestamp, stream-time and running-time is posted as an element message",
        "resvk developers <resvk@localhost>");
    GstCaps* caps = gst_caps_from_string(resvk::gst::sinkCapsString().c_str());
    gst_element_class_add_pad_template(ec, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
    gst_element_class_add_pad_template(ec, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
    gst_caps_unref(caps);

    GstBaseTransformClass* bc = GST_BASE_TRANSFORM_CLASS(klass);
    bc->passthrough_on_same_caps = TRUE;
    bc->start = start;
    bc->stop = stop;
    bc->set_caps = setCaps;
    bc->generate_output = generateOutput;
    bc->sink_event = sinkEvent;
    bc->query = query;
    bc->accept_caps = acceptCaps;
}

static void resvk_classify_init(ResvkClassify* s) {
    s->settings = new Settings();
    s->running = nullptr;
    gst_base_transform_set_in_place(GST_BASE_TRANSFORM(s), TRUE);
    gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(s), TRUE);
}
