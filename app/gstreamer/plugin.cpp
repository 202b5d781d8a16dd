// The GStreamer plugin "resvk": registers resvkclassify.
#include <gst/gst.h>

#include "resvk_classify.h"

static gboolean pluginInit(GstPlugin* plugin) {
    return GST_ELEMENT_REGISTER(resvkclassify, plugin);
}

#define PACKAGE "resvk"
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, resvk,
                  "Video classification with ONNX ResNets on Vulkan compute (resvk)", pluginInit, RESVK_VERSION,
                  "unknown", "resvk", "resvk (see its README.md)")
