#include "common.h"

#include <cstdarg>
#include <cstdio>

#include "json.h"
#include "model_registry.h"

namespace resvk::app {

OptionSpec deviceOption() {
    return {"device", "N", "Vulkan device index from `resvk devices`",
            "the first discrete GPU, else integrated, else any"};
}

OptionSpec deviceProfileOption() {
    return {"device-profile", "auto|cpu|gpu",
            "kernel family, tiles and workgroup width: cpu (lavapipe-like) or gpu; auto picks by device type. "
            "Also RESVK_DEVICE_PROFILE; RESVK_FORCE_STAGING=1 forces the discrete-GPU memory path",
            "auto"};
}

OptionSpec precisionOption() {
    return {"precision", "auto|fp32|fp16",
            "how weights and activations are stored (arithmetic is fp32 either way): fp16 halves memory traffic, "
            "outputs differ from fp32 by about 0.1 % of their magnitude; auto: fp32 (fp16 storage measured slower "
            "on an H200 and on lavapipe). Also RESVK_PRECISION",
            "auto"};
}

vk::ContextOptions contextOptions(const Args& args) {
    vk::ContextOptions options;
    options.deviceIndex = args.integer("device", -1, 0, 1 << 20);  // the Context checks the range
    try {
        options.traits.profile = vk::parseProfileRequest(args.str("device-profile", "auto"));
    } catch (const std::invalid_argument& e) {
        args.fail(std::string("--device-profile: ") + e.what());
    }
    try {
        options.traits.precision = vk::parsePrecisionRequest(args.str("precision", "auto"));
    } catch (const std::invalid_argument& e) {
        args.fail(std::string("--precision: ") + e.what());
    }
    return options;
}

std::unique_ptr<vk::Context> openDevice(const Args& args) {
    return std::make_unique<vk::Context>(contextOptions(args));
}

Json& deviceJson(Json& j, const vk::Context& context) {
    return j.key("device")
        .value(context.info().name)
        .key("device_profile")
        .value(context.traits().profileName())
        .key("memory_path")
        .value(context.traits().memoryPathName())
        .key("precision")
        .value(context.traits().precisionName());
}

model::Shape concreteShape(const model::TensorInfo& input, int batch, int spatial) {
    model::Shape shape = input.shape;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] >= 0) continue;
        shape[i] = i == 0 ? batch : (shape.size() == 4 && i >= 2 ? spatial : 1);
    }
    if (!shape.empty() && shape[0] != batch)
        throw model::Error(format("model input '%s' has a fixed batch of %lld: use --batch %lld", input.name.c_str(),
                                  static_cast<long long>(shape[0]), static_cast<long long>(shape[0])));
    return shape;
}

model::Model loadModel(const std::string& path) {
    model::Model m = model::Model::load(resolveModelPath(path));
    if (m.inputs().empty()) throw model::Error("model " + path + " has no inputs");
    return m;
}

std::string shapeText(const model::Shape& shape) {
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += "x";
        s += shape[i] < 0 ? "N" : std::to_string(shape[i]);
    }
    return s.empty() ? "scalar" : s;
}

std::string format(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    va_list copy;
    va_copy(copy, ap);
    int n = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    std::string out(n > 0 ? n : 0, '\0');
    if (n > 0) std::vsnprintf(out.data(), out.size() + 1, fmt, ap);
    va_end(ap);
    return out;
}

std::string vulkanVersion(uint32_t v) {
    return format("%u.%u.%u", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v), VK_API_VERSION_PATCH(v));
}

std::string describe(const vk::DeviceInfo& info) {
    return format("%s (%s, Vulkan %s)", info.name.c_str(), info.type.c_str(), vulkanVersion(info.apiVersion).c_str());
}

}  // namespace resvk::app
