#include "properties.h"

namespace resvk::gst {

namespace {

// The precisions the engine offers, in one table; SharedEngine passes the nick
// to the device traits (EngineSpec::precision carries it).
const GEnumValue kPrecisions[] = {
    {0, "the engine's choice: fp32 (fp16 storage measured slower on an H200 and on lavapipe)", "auto"},
    {1, "32-bit floats throughout", "fp32"},
    {2, "weights and activations stored as 16-bit floats, arithmetic in 32-bit", "fp16"},
    {0, nullptr, nullptr},
};

GType precisionType() {
    static GType type = g_enum_register_static("ResvkClassifyPrecision", kPrecisions);
    return type;
}

constexpr auto kReady = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
constexpr auto kPlaying =
    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

}  // namespace

const char* precisionNick(int value) {
    for (const GEnumValue* v = kPrecisions; v->value_nick; ++v)
        if (v->value == value) return v->value_nick;
    return "auto";
}

void installProperties(GObjectClass* oc) {
    gst_type_mark_as_plugin_api(precisionType(), static_cast<GstPluginAPIFlags>(0));
    g_object_class_install_property(
        oc, PROP_MODEL,
        g_param_spec_string("model", "Model",
                            "The ONNX image classifier (required): a file, or a model name that `resvk models` "
                            "lists (looked up in RESVK_MODELS and the download cache). One 3-channel NCHW input.",
                            nullptr, kReady));
    g_object_class_install_property(
        oc, PROP_LABELS,
        g_param_spec_string("labels", "Labels",
                            "Class names, one per line in output order; 'imagenet' or 'cifar10' for the lists resvk "
                            "ships. Unset: labels.txt next to the model, else \"class N\".",
                            nullptr, kReady));
    g_object_class_install_property(
        oc, PROP_DEVICE,
        g_param_spec_int("device", "Device",
                         "Vulkan device index as `resvk devices` lists them; -1 picks the best one (a discrete GPU, "
                         "then integrated, then any)",
                         -1, G_MAXINT, -1, kReady));
    g_object_class_install_property(
        oc, PROP_PRECISION,
        g_param_spec_enum("precision", "Precision", "Arithmetic the network runs in", precisionType(), 0, kReady));
    g_object_class_install_property(
        oc, PROP_TOP_K,
        g_param_spec_uint("top-k", "Top K", "How many classes each result lists (best first)", 1, 1000000, 5,
                          kPlaying));
    g_object_class_install_property(
        oc, PROP_SMOOTH,
        g_param_spec_double("smooth", "Smoothing",
                            "Average class probabilities over time: the weight of the past in [0, 1) (0 = off; 0.8 "
                            "at 25 fps averages roughly the last 5 classified frames), like resvk classify --smooth",
                            0.0, 1.0, 0.0, kPlaying));
    g_object_class_install_property(
        oc, PROP_INFERENCE_INTERVAL,
        g_param_spec_uint("inference-interval", "Inference interval",
                          "Classify every Nth frame (1 = all); the others pass without metadata, like resvk "
                          "classify --every",
                          1, G_MAXINT, 1, kPlaying));
    g_object_class_install_property(
        oc, PROP_BATCH_SIZE,
        g_param_spec_uint("batch-size", "Batch size",
                          "Frames classified per GPU run. Larger batches run faster per frame but hold buffers "
                          "until the batch is full (latency); a model with a fixed batch needs exactly that",
                          1, 4096, 1, kReady));
    g_object_class_install_property(
        oc, PROP_MODEL_INSTANCE_ID,
        g_param_spec_string("model-instance-id", "Model instance id",
                            "Elements with the same id share one engine (device, loaded model, compiled kernels) "
                            "and must use the same model, device and precision; unset: this element's own",
                            nullptr, kReady));
    g_object_class_install_property(
        oc, PROP_RESIZE,
        g_param_spec_int("resize", "Resize",
                         "Resize the short side to this before the centre crop; -1: round(256 * H / 224) for an "
                         "HxW input (256 for 224), like resvk classify --resize",
                         -1, 16384, -1, kReady));
    g_object_class_install_property(
        oc, PROP_CENTER_CROP,
        g_param_spec_boolean("center-crop", "Centre crop",
                             "Resize the short side and centre-crop to the input size (torchvision's ImageNet "
                             "preprocessing); false resizes the whole picture straight to it (CIFAR models: false), "
                             "like resvk classify --no-crop",
                             TRUE, kReady));
    g_object_class_install_property(
        oc, PROP_MEAN,
        g_param_spec_string("mean", "Mean",
                            "Per-channel mean R,G,B subtracted after scaling to [0,1]; unset: "
                            "0.485,0.456,0.406",
                            nullptr, kReady));
    g_object_class_install_property(
        oc, PROP_STD,
        g_param_spec_string("std", "Standard deviation",
                            "Per-channel standard deviation R,G,B divided by; unset: 0.229,0.224,0.225", nullptr,
                            kReady));
}

bool writeSetting(Settings& st, guint id, const GValue* value) {
    auto str = [&] { return std::string(g_value_get_string(value) ? g_value_get_string(value) : ""); };
    switch (id) {
        case PROP_MODEL:
            st.model = str();
            break;
        case PROP_LABELS:
            st.labels = str();
            break;
        case PROP_DEVICE:
            st.device = g_value_get_int(value);
            break;
        case PROP_PRECISION:
            st.precision = g_value_get_enum(value);
            break;
        case PROP_TOP_K:
            st.topK = g_value_get_uint(value);
            break;
        case PROP_SMOOTH:
            st.smooth = g_value_get_double(value);
            break;
        case PROP_INFERENCE_INTERVAL:
            st.interval = g_value_get_uint(value);
            break;
        case PROP_BATCH_SIZE:
            st.batchSize = g_value_get_uint(value);
            break;
        case PROP_MODEL_INSTANCE_ID:
            st.instanceId = str();
            break;
        case PROP_RESIZE:
            st.resize = g_value_get_int(value);
            break;
        case PROP_CENTER_CROP:
            st.centerCrop = g_value_get_boolean(value);
            break;
        case PROP_MEAN:
            st.mean = str();
            break;
        case PROP_STD:
            st.std = str();
            break;
        default:
            return false;
    }
    return true;
}

bool readSetting(const Settings& st, guint id, GValue* value) {
    auto setStr = [&](const std::string& v) { g_value_set_string(value, v.empty() ? nullptr : v.c_str()); };
    switch (id) {
        case PROP_MODEL:
            setStr(st.model);
            break;
        case PROP_LABELS:
            setStr(st.labels);
            break;
        case PROP_DEVICE:
            g_value_set_int(value, st.device);
            break;
        case PROP_PRECISION:
            g_value_set_enum(value, st.precision);
            break;
        case PROP_TOP_K:
            g_value_set_uint(value, st.topK);
            break;
        case PROP_SMOOTH:
            g_value_set_double(value, st.smooth);
            break;
        case PROP_INFERENCE_INTERVAL:
            g_value_set_uint(value, st.interval);
            break;
        case PROP_BATCH_SIZE:
            g_value_set_uint(value, st.batchSize);
            break;
        case PROP_MODEL_INSTANCE_ID:
            setStr(st.instanceId);
            break;
        case PROP_RESIZE:
            g_value_set_int(value, st.resize);
            break;
        case PROP_CENTER_CROP:
            g_value_set_boolean(value, st.centerCrop);
            break;
        case PROP_MEAN:
            setStr(st.mean);
            break;
        case PROP_STD:
            setStr(st.std);
            break;
        default:
            return false;
    }
    return true;
}

}  // namespace resvk::gst
