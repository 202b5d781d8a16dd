#pragma once
// Classifying pictures held in memory: the model on the GPU with the
// preprocessing of photos (classify::preprocess on the CPU) or of video frames
// (video::GpuPreprocessor: resize, crop, normalise in two GPU passes), or already
// preprocessed N x 3 x H x W floats.
// `resvk classify photo.jpg`, the Python module and other front-ends call this
// one mechanism, so they give the same probabilities for the same picture.
//
// Not thread-safe: one caller at a time (the Python module holds a lock).
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "classify/model_input.h"
#include "classify/preprocess.h"
#include "model/model.h"
#include "vk/context.h"
#include "vk/kernel.h"

namespace resvk::runtime {
class Plan;
}
namespace resvk::video {
class GpuPreprocessor;
}

namespace resvk::classify {

// Where pictures are preprocessed. The CPU does torchvision's arithmetic to the
// letter (PIL's 8-bit resize: the PyTorch references' inputs), which photos of
// `resvk classify` get; the GPU does the same resize in float (two passes),
// as video frames get: much faster for large pictures, probabilities within
// 4e-3 of the CPU's for a 32x32 CIFAR model and 1e-6 at 224x224 (measured on
// ../shared/media's photos).
enum class PictureRoute { Gpu, Cpu };

// A picture as packed 8-bit RGB in host memory: `height` rows of width * 3
// bytes, `rowBytes` apart. Read in place, never copied on the host.
struct RgbView {
    const uint8_t* pixels = nullptr;
    int width = 0, height = 0;
    ptrdiff_t rowBytes = 0;
};

class ImageClassifier {
public:
    // `maxBatch`: pictures per GPU run (a model with a fixed batch runs that
    // batch, padding the last run). `model` and `context` must outlive this.
    ImageClassifier(vk::Context& context, const model::Model& model, const InputGeometry& geometry,
                    const PreprocessOptions& preprocess, int maxBatch = 8);
    ~ImageClassifier();
    ImageClassifier(const ImageClassifier&) = delete;
    ImageClassifier& operator=(const ImageClassifier&) = delete;

    // Class probabilities per picture: the model's outputs, through softmax
    // unless they already are probabilities. On the GPU route a picture larger
    // than the GPU's texel buffers is preprocessed on the CPU instead.
    std::vector<std::vector<float>> classify(const std::vector<RgbView>& pictures,
                                             PictureRoute route = PictureRoute::Gpu);
    // The same for `batch` preprocessed items of 3 x H x W floats at `nchw`.
    std::vector<std::vector<float>> classify(const float* nchw, int64_t batch);
    // The model's first output for `batch` preprocessed items, as it comes
    // (shape [batch, ...]). `nchw` is read in place.
    model::HostTensor logits(const float* nchw, int64_t batch);

    const InputGeometry& geometry() const { return geometry_; }
    const PreprocessOptions& preprocess() const { return preprocess_; }
    // Where logits() uploaded its last batch from (its first run of chunks):
    // the caller's own array unless a fixed batch needed padding (tests: no copy).
    const float* lastUploadSource() const { return lastUploadSource_; }

private:
    // Runs items [0, count) (count <= the chunk) from the preprocessor's slots
    // (`floats` null) or from `floats`; returns the first output.
    model::HostTensor runChunk(int count, const float* floats);
    runtime::Plan& planFor(int batch, int count, bool pictures);
    std::vector<std::vector<float>> probabilities(const model::HostTensor& out, int64_t count) const;
    int64_t itemFloats() const { return int64_t(3) * geometry_.height * geometry_.width; }

    vk::Context& context_;
    const model::Model& model_;
    InputGeometry geometry_;
    PreprocessOptions preprocess_;
    int chunk_;  // items per GPU run: maxBatch, less when the device's buffer limits say so
    vk::KernelCache kernels_;
    std::unique_ptr<video::GpuPreprocessor> preprocessor_;
    std::map<std::tuple<int, int, bool>, std::unique_ptr<runtime::Plan>> plans_;  // (batch, count, pictures)
    const float* lastUploadSource_ = nullptr;
};

}  // namespace resvk::classify
