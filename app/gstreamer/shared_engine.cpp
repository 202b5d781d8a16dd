#include "shared_engine.h"

#include <map>
#include <stdexcept>

#include "classify/model_input.h"

namespace resvk::gst {

namespace {

vk::ContextOptions contextOptions(const EngineSpec& spec) {
    vk::ContextOptions o;
    o.deviceIndex = spec.device;
    o.traits.precision = vk::parsePrecisionRequest(spec.precision);  // a nick of kPrecisions
    return o;
}

std::string describe(const EngineSpec& s) {
    return "model=" + s.modelPath + " device=" + std::to_string(s.device) + " precision=" + s.precision;
}

}  // namespace

SharedEngine::SharedEngine(const EngineSpec& spec)
    : spec_(spec),
      model_(model::Model::load(spec.modelPath)),
      context_(std::make_unique<vk::Context>(contextOptions(spec))),
      kernels_(std::make_unique<vk::KernelCache>(*context_)) {}

SharedEngine::~SharedEngine() = default;

std::shared_ptr<SharedEngine> SharedEngine::acquire(const std::string& instanceId, const EngineSpec& spec) {
    if (instanceId.empty()) return std::make_shared<SharedEngine>(spec);
    static std::mutex registryMutex;
    static std::map<std::string, std::weak_ptr<SharedEngine>> registry;
    std::lock_guard<std::mutex> guard(registryMutex);
    if (auto engine = registry[instanceId].lock()) {
        if (!(engine->spec() == spec))
            throw classify::OptionError("model-instance-id '" + instanceId + "' is in use with " +
                                        describe(engine->spec()) + "; this element asks for " + describe(spec) +
                                        " (elements sharing an id must use the same model, device and precision)");
        return engine;
    }
    auto engine = std::make_shared<SharedEngine>(spec);
    registry[instanceId] = engine;
    return engine;
}

}  // namespace resvk::gst
