#include "video/picture_classifier.h"

#include <map>
#include <stdexcept>
#include <string>

#include "classify/topk.h"
#include "runtime/plan.h"
#include "video/preprocess_gpu.h"

namespace resvk::video {

struct PictureClassifier::Impl {
    vk::Context& context;
    vk::KernelCache& kernels;
    const model::Model& model;
    classify::PreprocessOptions options;
    int maxBatch;
    int fixedBatch;  // the model's own batch, 0 when symbolic
    GpuPreprocessor preprocessor;
    std::map<int, std::unique_ptr<runtime::Plan>> plans;  // by pictures per run
    std::vector<bool> uploaded;
    bool checkedOutputs = false, outputsAreProbabilities = false;

    Impl(vk::Context& c, vk::KernelCache& k, const model::Model& m, const classify::PreprocessOptions& o, int batch)
        : context(c),
          kernels(k),
          model(m),
          options(o),
          maxBatch(batch),
          fixedBatch(m.inputs().at(0).shape.at(0) > 0 ? static_cast<int>(m.inputs()[0].shape[0]) : 0),
          preprocessor(c, k, o, batch),
          uploaded(batch, false) {}

    // The network input holds `count` pictures, or the model's fixed batch with
    // the last picture repeated into the items nobody uploaded.
    runtime::Plan& planFor(int count) {
        auto& plan = plans[count];
        if (!plan) {
            model::Shape shape = model.inputs().at(0).shape;
            const int items = fixedBatch > 0 ? fixedBatch : count;
            shape[0] = items;
            shape[2] = options.inputHeight;
            shape[3] = options.inputWidth;
            auto prologue = [this, count, items](ops::Recorder& r, const std::vector<ops::Tensor>& inputs) {
                for (int i = 0; i < items; ++i) preprocessor.record(r, std::min(i, count - 1), inputs.at(0), i);
            };
            plan = std::make_unique<runtime::Plan>(context, kernels, model.compile({shape}), prologue);
        }
        return *plan;
    }
};

PictureClassifier::PictureClassifier(vk::Context& context, vk::KernelCache& kernels, const model::Model& model,
                                     const classify::PreprocessOptions& options, int maxBatch) {
    if (maxBatch < 1) throw std::invalid_argument("PictureClassifier: the batch must hold at least one picture");
    const auto& shape = model.inputs().at(0).shape;
    if (shape.at(0) > 0 && maxBatch > shape[0])
        throw model::Error("the model takes batches of exactly " + std::to_string(shape[0]) + ", not " +
                           std::to_string(maxBatch));
    impl_ = std::make_unique<Impl>(context, kernels, model, options, maxBatch);
}

PictureClassifier::~PictureClassifier() = default;

int PictureClassifier::maxBatch() const {
    return impl_->maxBatch;
}

void PictureClassifier::upload(const PictureView& picture, int item) {
    if (item < 0 || item >= impl_->maxBatch)
        throw std::out_of_range("PictureClassifier::upload: no batch item " + std::to_string(item));
    impl_->preprocessor.upload(picture, item);
    impl_->uploaded[item] = true;
}

std::vector<std::vector<float>> PictureClassifier::run(int count) {
    Impl& m = *impl_;
    if (count < 1 || count > m.maxBatch)
        throw std::out_of_range("PictureClassifier::run: " + std::to_string(count) + " pictures");
    for (int i = 0; i < count; ++i)
        if (!m.uploaded[i]) throw std::logic_error("PictureClassifier::run: item " + std::to_string(i) + " is empty");
    // A picture of another size or layout changes what the plans recorded.
    if (m.preprocessor.needsRerecord()) m.plans.clear();
    runtime::Plan& plan = m.planFor(count);
    plan.submit();
    plan.wait();
    const auto outputs = plan.readOutputs();
    const auto& logits = outputs.at(0);
    const size_t rows = static_cast<size_t>(std::max<int64_t>(1, logits.shape.at(0)));
    const int classes = static_cast<int>(logits.data.size() / rows);
    std::vector<std::vector<float>> probs;
    for (int i = 0; i < count; ++i) {
        const float* row = logits.data.data() + static_cast<size_t>(i) * classes;
        if (!m.checkedOutputs) {
            m.outputsAreProbabilities = classify::looksLikeProbabilities(row, classes);
            m.checkedOutputs = true;
        }
        probs.push_back(m.outputsAreProbabilities ? std::vector<float>(row, row + classes)
                                                  : classify::softmax(row, classes));
    }
    return probs;
}

}  // namespace resvk::video
