#pragma once
// Turns each source's newest decoded frame into an RGBA8 picture on the GPU
// (shaders/display.comp), reading the raw planes the network's preprocessing
// uploaded: no readback, no second upload. Frames the network skipped (--every)
// are uploaded once here, through the same GpuPreprocessor code.
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "video/preprocess_gpu.h"
#include "vk/buffer.h"
#include "vk/command_stream.h"
#include "vk/kernel.h"

namespace resvk::app::viewer {

class FrameConverter {
public:
    FrameConverter(vk::Context& context, vk::KernelCache& kernels, const classify::PreprocessOptions& preprocess,
                   int sources);

    // Converts slot `slot` of the network's preprocessor (the frame as it was
    // uploaded for inference) into the source's picture. Does not wait: the
    // conversion is registered as a reader of the slot, so the pipeline waits
    // for it before refilling the slot.
    void convert(int source, video::GpuPreprocessor& preprocessor, int slot);
    // The same for a frame the pipeline did not upload.
    void convert(int source, const AVFrame& frame);
    // GPU time of the conversions submitted since the last call (waits for them).
    double takeGpuSeconds();

    const vk::Buffer& pixels(int source) const { return pictures_[source].pixels; }
    int width(int source) const { return pictures_[source].width; }
    int height(int source) const { return pictures_[source].height; }
    bool ready(int source) const { return pictures_[source].width > 0; }

private:
    // `ownUpload`: the planes came through uploader_, whose staging copies (on the
    // staging memory path) this stream records; the pipeline's came with inference.
    std::shared_ptr<vk::CommandStream> submit(int source, const video::GpuPreprocessor::PlaneView& view,
                                              bool ownUpload);

    struct Picture {
        vk::Buffer pixels;  // RGBA8, width x height, row-major
        int width = 0, height = 0;
        std::vector<char> layout;  // the PreprocessParams last converted from
    };
    using StreamKey = std::tuple<int, VkBuffer, VkBuffer, VkBuffer, std::vector<char>, bool>;

    vk::Context& context_;
    vk::KernelCache& kernels_;
    video::GpuPreprocessor uploader_;
    std::vector<Picture> pictures_;
    std::map<StreamKey, std::shared_ptr<vk::CommandStream>> streams_;
    std::vector<std::shared_ptr<vk::CommandStream>> submitted_;  // since takeGpuSeconds()
};

}  // namespace resvk::app::viewer
