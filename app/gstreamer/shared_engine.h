#pragma once
// The part of resvkclassify that elements may share: the Vulkan device, the
// loaded model and its compiled kernels. Elements with the same
// model-instance-id get one SharedEngine (one device, one model load, one kernel
// cache), like gvaclassify's and nvinfer's shared inference instances; each
// element keeps its own frame slots and recorded network (PictureClassifier),
// and holds lock() around everything it does on the device.
#include <memory>
#include <mutex>
#include <string>

#include "model/model.h"
#include "vk/context.h"
#include "vk/kernel.h"

namespace resvk::gst {

// What an engine is made of; elements sharing an id must ask for the same.
struct EngineSpec {
    std::string modelPath;  // as resolved (a file)
    int device = -1;        // Vulkan device index, -1 = automatic choice
    std::string precision;  // the precision property's nick ("auto", "fp32", ...)
    bool operator==(const EngineSpec&) const = default;
};

class SharedEngine {
public:
    // The engine of `instanceId` (made on first use; an empty id is never shared).
    // Throws classify::OptionError (a settings error) when the spec differs from the one
    // the id was first made with, and whatever loading the model or opening the
    // device throws (model::Error, vk::Error).
    static std::shared_ptr<SharedEngine> acquire(const std::string& instanceId, const EngineSpec& spec);

    explicit SharedEngine(const EngineSpec& spec);
    ~SharedEngine();

    const EngineSpec& spec() const { return spec_; }
    const model::Model& model() const { return model_; }
    vk::Context& context() { return *context_; }
    vk::KernelCache& kernels() { return *kernels_; }
    // Held around every use of the device, the kernel cache and anything made with them.
    std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex_); }

private:
    EngineSpec spec_;
    model::Model model_;
    std::unique_ptr<vk::Context> context_;
    std::unique_ptr<vk::KernelCache> kernels_;
    std::mutex mutex_;
};

}  // namespace resvk::gst
