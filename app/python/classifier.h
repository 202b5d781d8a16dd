#pragma once
// resvk.Classifier: a model on a Vulkan device with the CLI's preprocessing,
// called from Python with numpy arrays. GPU work runs with the GIL released and
// one call at a time per Classifier (a lock), so threads may share one.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "classify/image_classifier.h"
#include "classify/model_input.h"
#include "model/model.h"
#include "vk/context.h"

namespace resvk::python {

namespace py = pybind11;

// A Vulkan device as resvk.devices() lists it and Classifier.device names it.
struct Device {
    int index = -1;
    std::string name, type, driver, vulkan;
    uint64_t memory = 0;  // device-local bytes
    bool usable = false;
    bool isDefault = false;  // what a Classifier without device= picks
    std::string why;         // why it is (or is not) the one used
};
std::vector<Device> listDevices();

// The keyword options of resvk.Classifier, as the CLI's options.
struct ClassifierOptions {
    std::optional<std::string> labels;
    std::optional<int> device;
    std::string precision = "auto";
    std::string deviceProfile = "auto";
    std::optional<int> resize;
    std::string crop;  // "HxW"
    bool noCrop = false;
    std::optional<std::array<float, 3>> mean, std;
    int batch = 8;
    classify::PictureRoute route = classify::PictureRoute::Gpu;  // preprocess_on=
};

class Classifier {
public:
    Classifier(const std::string& model, const ClassifierOptions& options);

    // images: one picture (HxWx3 uint8 RGB, or 3xHxW float32), a batch
    // (NxHxWx3 uint8 or Nx3xHxW float32) or a list of pictures.
    py::object classify(const py::object& images, int top);
    py::array logits(const py::object& x);

    const Device& device() const { return device_; }
    const std::string& modelPath() const { return modelPath_; }
    const std::vector<std::string>& labels() const { return labels_; }
    const classify::InputGeometry& geometry() const { return geometry_; }
    const classify::PreprocessOptions& preprocess() const { return preprocess_; }
    const vk::ContextOptions& contextOptions() const { return contextOptions_; }
    const model::Model& model() const { return model_; }
    std::string precision() const { return precision_; }
    int batch() const { return batch_; }
    std::string preprocessOn() const { return route_ == classify::PictureRoute::Gpu ? "gpu" : "cpu"; }
    uintptr_t lastInputAddress() const { return reinterpret_cast<uintptr_t>(classifier_->lastUploadSource()); }
    std::string repr() const;
    // (label, index, prob) tuples of the best `top` classes.
    py::list ranked(const std::vector<float>& probs, int top) const;

private:
    std::string modelPath_;
    model::Model model_;
    classify::InputGeometry geometry_;
    classify::PreprocessOptions preprocess_;
    std::vector<std::string> labels_;
    std::string precision_;
    int batch_;
    classify::PictureRoute route_;
    vk::ContextOptions contextOptions_;
    std::unique_ptr<vk::Context> context_;
    Device device_;
    std::unique_ptr<classify::ImageClassifier> classifier_;
    std::mutex gpu_;  // one call on the device at a time
};

// The error every failure becomes: resvk.Error with the CLI's one-line message.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace resvk::python
