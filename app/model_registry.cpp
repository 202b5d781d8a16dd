#include "model_registry.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace resvk::app {

namespace {

const char* const kZooUrl = "https://github.com/onnx/models/raw/main/validated/vision/classification/resnet/model/";

RegistryModel zoo(int depth, int version, double top1, const char* sha256 = "", int64_t size = -1) {
    RegistryModel m;
    m.name = "resnet" + std::to_string(depth) + "-v" + std::to_string(version) + "-7";
    m.description = "ResNet-" + std::to_string(depth) + " v" + std::to_string(version) +
                    (version == 1 ? " (post-activation)" : " (pre-activation)") + ", ImageNet, ONNX Model Zoo, opset 7";
    m.url = kZooUrl + m.name + ".onnx";
    m.sha256 = sha256;
    m.size = size;
    m.top1 = top1;
    return m;
}

bool isFile(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
}

}  // namespace

const std::vector<RegistryModel>& registryModels() {
    // Checksums only where one is known (../shared/README.md); the others stay
    // unknown and `pull` says so rather than trusting an invented value.
    static const std::vector<RegistryModel> models = {
        zoo(18, 1, 69.93),
        zoo(34, 1, 73.73),
        zoo(50, 1, 74.93),
        zoo(101, 1, 76.48),
        zoo(152, 1, 77.11, "b0ec92437bf8c9d0739bf9bafdea9638e13f9e3c1e2fb766ad546cc182fd3f6d", 241816206),
        zoo(18, 2, 69.70, "3b4d048057854022232aa20bf68262e31718ab7119a17f920b8a2dc1433f824b", 46806737),
        zoo(34, 2, 73.36),
        zoo(50, 2, 75.81),
        zoo(101, 2, 77.42),
        zoo(152, 2, 78.20),
    };
    return models;
}

const RegistryModel* findRegistryModel(const std::string& name) {
    for (const auto& m : registryModels())
        if (m.name == name) return &m;
    return nullptr;
}

std::string modelCacheDir() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg == '/') return std::string(xdg) + "/resvk/models";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.cache/resvk/models";
}

std::vector<std::string> modelSearchDirs() {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("RESVK_MODELS")) {
        std::string list = env;
        size_t start = 0;
        while (start <= list.size()) {
            size_t end = list.find(':', start);
            if (end == std::string::npos) end = list.size();
            if (end > start) dirs.push_back(list.substr(start, end - start));
            start = end + 1;
        }
    }
    dirs.push_back(modelCacheDir());
    return dirs;
}

std::optional<std::string> findModelFile(const std::string& stem) {
    for (const auto& dir : modelSearchDirs()) {
        auto p = std::filesystem::path(dir) / (stem + ".onnx");
        if (isFile(p)) return p.string();
    }
    return std::nullopt;
}

std::string resolveModelPath(const std::string& spec) {
    if (isFile(spec)) return spec;
    std::error_code ec;
    // a folder, FIFO or device: the loader says what it is instead of "no such model"
    const bool existsAsOther = std::filesystem::exists(spec, ec);
    const bool bareName = !spec.empty() && spec.find('/') == std::string::npos;
    std::string stem = spec;
    if (bareName && stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".onnx") == 0) stem.resize(stem.size() - 5);
    if (bareName) {
        if (auto found = findModelFile(stem)) return *found;
        if (findRegistryModel(stem))
            throw std::runtime_error("model '" + stem + "' is not downloaded: run `resvk models pull " + stem +
                                     "` (or put " + stem + ".onnx in a folder named by RESVK_MODELS)");
    }
    if (existsAsOther) return spec;
    throw std::runtime_error("no such model file or known model name '" + spec + "' (see `resvk models`)");
}

}  // namespace resvk::app
