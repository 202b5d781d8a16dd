#pragma once
// Pictures pushed by the caller (a GStreamer element, a Python array) -> class
// probabilities: each picture's planes go to the GPU in their own layout, the
// preprocessing kernel writes them into one batched network input, the network
// runs once per batch. The pull-driven counterpart for FrameSources is
// VideoPipeline; this one is for front-ends that are handed frames.
//
// Not thread-safe: one caller at a time (several instances may share a Context
// and a KernelCache when their callers hold a common lock around every call).
#include <memory>
#include <vector>

#include "classify/preprocess.h"
#include "model/model.h"
#include "video/picture.h"
#include "vk/context.h"
#include "vk/kernel.h"

namespace resvk::video {

class PictureClassifier {
public:
    // maxBatch: pictures per run. A model with a fixed batch B runs B at a time
    // (maxBatch must then be at most B). Throws model::Error when the model cannot
    // run on this device.
    PictureClassifier(vk::Context& context, vk::KernelCache& kernels, const model::Model& model,
                      const classify::PreprocessOptions& options, int maxBatch);
    ~PictureClassifier();
    PictureClassifier(const PictureClassifier&) = delete;
    PictureClassifier& operator=(const PictureClassifier&) = delete;

    int maxBatch() const;
    // Copies the picture's planes into batch item `item` (0 <= item < maxBatch)
    // of the next run(); the caller's memory is not read after it returns.
    void upload(const PictureView& picture, int item);
    // Classifies items 0..count-1 as last uploaded and returns, per item, the
    // class probabilities (the softmax of the outputs, unless the model's
    // outputs already are probabilities).
    std::vector<std::vector<float>> run(int count);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace resvk::video
