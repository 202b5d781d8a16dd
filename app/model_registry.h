#pragma once
// Named models (the ONNX Model Zoo ImageNet ResNets) and how `--model X` finds a
// file: an existing path, else X.onnx in each RESVK_MODELS folder, else in the
// download cache ($XDG_CACHE_HOME/resvk/models, ~/.cache/resvk/models).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace resvk::app {

struct RegistryModel {
    std::string name;                          // "resnet18-v2-7": the file is <name>.onnx
    std::string description;                   // one line
    std::string url;                           // where `resvk models pull` downloads it from
    std::string sha256;                        // lower-case hex; empty = no known checksum
    int64_t size = -1;                         // bytes; -1 = unknown
    int inputSize = 224;                       // the centre crop fed to the network
    int resizeShort = 256;                     // short side before the crop
    float mean[3] = {0.485f, 0.456f, 0.406f};  // RGB in [0,1], then (x - mean) / std
    float std[3] = {0.229f, 0.224f, 0.225f};
    double top1 = 0;  // published ImageNet top-1 accuracy, %
    std::string labels = "ImageNet (1000 classes)";
};

const std::vector<RegistryModel>& registryModels();
const RegistryModel* findRegistryModel(const std::string& name);

// The folders searched for <name>.onnx, in order: each entry of RESVK_MODELS
// (colon-separated, empty entries skipped), then modelCacheDir().
std::vector<std::string> modelSearchDirs();
// $XDG_CACHE_HOME/resvk/models, else $HOME/.cache/resvk/models (not created here).
std::string modelCacheDir();
// The first <stem>.onnx in modelSearchDirs() that is a regular file.
std::optional<std::string> findModelFile(const std::string& stem);

// What `--model X` names: X itself when it is an existing file; else, when X has
// no '/', <X without .onnx>.onnx from modelSearchDirs(). Throws std::runtime_error
// with a one-line hint otherwise (registry name not downloaded / unknown name).
std::string resolveModelPath(const std::string& spec);

}  // namespace resvk::app
