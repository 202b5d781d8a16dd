#pragma once
// resvkclassify's properties: what gst-inspect-1.0 shows (names, blurbs that
// teach, ranges, when they may change) and the plain settings they hold.
#include <gst/gst.h>

#include <string>

namespace resvk::gst {

struct Settings {
    std::string model, labels, instanceId, mean, std;
    int device = -1;
    int precision = 0;
    guint topK = 5;
    double smooth = 0.0;
    guint interval = 1;
    guint batchSize = 1;
    int resize = -1;
    bool centerCrop = true;
};

enum Property {
    PROP_0,
    PROP_MODEL,
    PROP_LABELS,
    PROP_DEVICE,
    PROP_PRECISION,
    PROP_TOP_K,
    PROP_SMOOTH,
    PROP_INFERENCE_INTERVAL,
    PROP_BATCH_SIZE,
    PROP_MODEL_INSTANCE_ID,
    PROP_RESIZE,
    PROP_CENTER_CROP,
    PROP_MEAN,
    PROP_STD,
};

void installProperties(GObjectClass* klass);
// The nick of a precision value ("auto", "fp32", ...).
const char* precisionNick(int value);
// One property into / out of the settings (the caller holds the object lock);
// false for an id that is not one of these properties.
bool writeSetting(Settings& settings, guint id, const GValue* value);
bool readSetting(const Settings& settings, guint id, GValue* value);

}  // namespace resvk::gst
