#pragma once
// resvkclassify: an in-place GstBaseTransform that classifies raw video frames
// with an ONNX ResNet on the GPU (Vulkan compute) and passes every buffer on
// untouched except for the metadata it adds (classification_meta.h). A thin
// layer over pipeline/: PictureClassifier does the GPU work, classify/ the
// labels, top-k and smoothing, exactly as `resvk classify` does.
#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define RESVK_TYPE_CLASSIFY (resvk_classify_get_type())
G_DECLARE_FINAL_TYPE(ResvkClassify, resvk_classify, RESVK, CLASSIFY, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(resvkclassify);

G_END_DECLS
