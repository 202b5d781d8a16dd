#include "classify/image_classifier.h"

#include <algorithm>
#include <cstring>

#include "classify/topk.h"
#include "runtime/plan.h"
#include "video/preprocess_gpu.h"

namespace resvk::classify {

ImageClassifier::ImageClassifier(vk::Context& context, const model::Model& model, const InputGeometry& geometry,
                                 const PreprocessOptions& preprocess, int maxBatch)
    : context_(context),
      model_(model),
      geometry_(geometry),
      preprocess_(preprocess),
      chunk_(geometry.batch > 0 ? geometry.batch : std::max(1, maxBatch)),
      kernels_(context),
      preprocessor_(std::make_unique<video::GpuPreprocessor>(context, kernels_, preprocess, chunk_)) {}

ImageClassifier::~ImageClassifier() = default;

runtime::Plan& ImageClassifier::planFor(int batch, int count, bool pictures) {
    auto& plan = plans_[{batch, pictures ? count : 0, pictures}];
    if (!plan) {
        const model::Shape shape{batch, 3, geometry_.height, geometry_.width};
        runtime::Prologue prologue;
        // Items past `count` (a fixed batch's padding) repeat the last picture.
        if (pictures)
            prologue = [this, batch, count](ops::Recorder& r, const std::vector<ops::Tensor>& inputs) {
                for (int i = 0; i < batch; ++i) preprocessor_->record(r, std::min(i, count - 1), inputs.at(0), i);
            };
        plan = std::make_unique<runtime::Plan>(context_, kernels_, model_.compile({shape}), prologue);
    }
    return *plan;
}

model::HostTensor ImageClassifier::runChunk(int count, const float* floats) {
    const int batch = geometry_.batch > 0 ? geometry_.batch : count;
    runtime::Plan& plan = planFor(batch, count, floats == nullptr);
    std::vector<float> padded;  // only for a fixed batch the caller does not fill
    if (floats) {
        const float* source = floats;
        if (batch != count) {
            padded.assign(static_cast<size_t>(batch * itemFloats()), 0.0f);
            std::memcpy(padded.data(), floats, static_cast<size_t>(count * itemFloats()) * sizeof(float));
            source = padded.data();
        }
        plan.writeInput(0, source, {batch, 3, geometry_.height, geometry_.width});
        lastUploadSource_ = source;
    }
    plan.submit();
    plan.wait();
    auto outputs = plan.readOutputs();
    if (outputs.empty() || outputs[0].shape.empty() || outputs[0].shape[0] != batch)
        throw model::Error("model output is not one row of scores per image");
    model::HostTensor out = std::move(outputs[0]);
    out.data.resize(out.data.size() / static_cast<size_t>(batch) * static_cast<size_t>(count));
    out.shape[0] = count;
    return out;
}

std::vector<std::vector<float>> ImageClassifier::probabilities(const model::HostTensor& out, int64_t count) const {
    std::vector<std::vector<float>> rows;
    const int classes = static_cast<int>(out.data.size() / static_cast<size_t>(std::max<int64_t>(1, count)));
    for (int64_t k = 0; k < count; ++k) {
        const float* row = out.data.data() + k * classes;
        rows.push_back(looksLikeProbabilities(row, classes) ? std::vector<float>(row, row + classes)
                                                            : softmax(row, classes));
    }
    return rows;
}

std::vector<std::vector<float>> ImageClassifier::classify(const std::vector<RgbView>& pictures, PictureRoute route) {
    const bool fit = std::all_of(pictures.begin(), pictures.end(),
                                 [&](const RgbView& p) { return preprocessor_->fitsRgb(p.width, p.height); });
    if (route == PictureRoute::Cpu || !fit) {
        // (A picture too large for the GPU's texel buffers takes this route too.)
        std::vector<float> floats(pictures.size() * static_cast<size_t>(itemFloats()));
        for (size_t i = 0; i < pictures.size(); ++i) {
            const RgbView& p = pictures[i];
            video::RgbImage image{p.width, p.height, std::vector<uint8_t>(static_cast<size_t>(p.width) * p.height * 3)};
            for (int y = 0; y < p.height; ++y)
                std::memcpy(image.pixels.data() + static_cast<size_t>(y) * p.width * 3, p.pixels + y * p.rowBytes,
                            static_cast<size_t>(p.width) * 3);
            classify::preprocess(image, preprocess_, floats.data() + i * itemFloats());
        }
        return classify(floats.data(), static_cast<int64_t>(pictures.size()));
    }
    std::vector<std::vector<float>> results;
    for (size_t start = 0; start < pictures.size();) {
        const int count = static_cast<int>(std::min<size_t>(chunk_, pictures.size() - start));
        try {
            for (int i = 0; i < count; ++i) {
                const RgbView& p = pictures[start + i];
                preprocessor_->uploadRgb(p.pixels, p.width, p.height, p.rowBytes, i);
            }
            // A new picture size changed what the recorded plans read: record them again.
            if (preprocessor_->needsRerecord())
                for (auto it = plans_.begin(); it != plans_.end();)
                    it = std::get<2>(it->first) ? plans_.erase(it) : std::next(it);
            auto rows = probabilities(runChunk(count, nullptr), count);
            results.insert(results.end(), rows.begin(), rows.end());
            start += count;
        } catch (const runtime::LimitError& e) {
            // The batch exceeds what the device binds at once: smaller runs.
            const int64_t smaller = geometry_.batch > 0 ? 0 : runtime::smallerBatch(count, e);
            if (smaller == 0) throw;
            chunk_ = static_cast<int>(smaller);
        }
    }
    return results;
}

model::HostTensor ImageClassifier::logits(const float* nchw, int64_t batch) {
    model::HostTensor all;
    const float* firstSource = nullptr;
    for (int64_t start = 0; start < batch;) {
        const int count = static_cast<int>(std::min<int64_t>(chunk_, batch - start));
        try {
            model::HostTensor out = runChunk(count, nchw + start * itemFloats());
            if (start == 0) {
                firstSource = lastUploadSource_;
                all = std::move(out);
            } else {
                all.shape[0] += count;
                all.data.insert(all.data.end(), out.data.begin(), out.data.end());
            }
            start += count;
        } catch (const runtime::LimitError& e) {
            const int64_t smaller = geometry_.batch > 0 ? 0 : runtime::smallerBatch(count, e);
            if (smaller == 0) throw;
            chunk_ = static_cast<int>(smaller);
        }
    }
    lastUploadSource_ = firstSource;
    return all;
}

std::vector<std::vector<float>> ImageClassifier::classify(const float* nchw, int64_t batch) {
    if (batch <= 0) return {};
    return probabilities(logits(nchw, batch), batch);
}

}  // namespace resvk::classify
