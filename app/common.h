#pragma once
// Pieces every subcommand shares: the command table, device opening, formatting.
#include <memory>
#include <string>

#include "args.h"
#include "model/model.h"
#include "vk/context.h"

namespace resvk::app {

struct Command {
    const CommandSpec& (*spec)();
    int (*run)(const Args& args);
};

const CommandSpec& classifySpec();
int runClassify(const Args& args);
const CommandSpec& checkSpec();
int runCheck(const Args& args);
const CommandSpec& infoSpec();
int runInfo(const Args& args);
const CommandSpec& benchSpec();
int runBench(const Args& args);
const CommandSpec& devicesSpec();
int runDevices(const Args& args);
const CommandSpec& modelsSpec();
int runModels(const Args& args);

// The --device, --device-profile and --precision options every command that runs a network takes.
OptionSpec deviceOption();
OptionSpec deviceProfileOption();
OptionSpec precisionOption();
// --device, --device-profile and --precision as context options (RESVK_DEVICE_PROFILE,
// RESVK_PRECISION and RESVK_FORCE_STAGING are read by the Context itself).
vk::ContextOptions contextOptions(const Args& args);
// Opens the Vulkan device chosen by --device (default: automatic choice).
std::unique_ptr<vk::Context> openDevice(const Args& args);

// The input shape to run with: a symbolic batch becomes `batch`, symbolic H/W of a
// 4-D input become `spatial`. Throws model::Error when the model fixes the batch
// to something else.
model::Shape concreteShape(const model::TensorInfo& input, int batch, int spatial = 224);
// Loads the model and checks it has at least one input. `path` may also be a model
// name (see resolveModelPath in model_registry.h: RESVK_MODELS, the download cache).
model::Model loadModel(const std::string& path);

// "device", "device_profile", "memory_path" and "precision" keys of a --json object: what ran.
class Json;
Json& deviceJson(Json& j, const vk::Context& context);

// "Nx3x224x224": symbolic dimensions shown as N.
std::string shapeText(const model::Shape& shape);
// printf into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// "llvmpipe (LLVM 15.0.7, 256 bits)" style device description.
std::string describe(const vk::DeviceInfo& info);
std::string vulkanVersion(uint32_t apiVersion);

}  // namespace resvk::app
