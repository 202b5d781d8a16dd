#include "classify_setup.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "classify/labels.h"
#include "common.h"
#include "model_registry.h"
#include "shipped_labels.h"

namespace resvk::app {

InputGeometry checkInput(const model::Model& m, const Args& args) {
    if (m.inputs().size() != 1)
        throw model::Error(format("model has %zu inputs: classify needs exactly one image input", m.inputs().size()));
    const auto& in = m.inputs()[0];
    if (in.shape.size() != 4 || in.shape[1] != 3)
        throw model::Error("model input '" + in.name + "' is " + shapeText(in.shape) +
                           ": classify needs a 3-channel image input (Nx3xHxW)");
    InputGeometry g{in.name, static_cast<int>(in.shape[0])};
    if (in.shape[2] > 0) g.height = static_cast<int>(in.shape[2]);
    if (in.shape[3] > 0) g.width = static_cast<int>(in.shape[3]);
    if (auto crop = args.value("crop")) {
        int h = 0, w = 0;
        char tail = 0;
        if (std::sscanf(crop->c_str(), "%dx%d%c", &h, &w, &tail) != 2 || h <= 0 || w <= 0 || h > 8192 || w > 8192)
            args.fail("--crop expects HxW, e.g. 224x224, got '" + *crop + "'");
        if ((in.shape[2] > 0 && in.shape[2] != h) || (in.shape[3] > 0 && in.shape[3] != w))
            args.fail("--crop " + *crop + " does not match the model's input " + shapeText(in.shape));
        g.height = h;
        g.width = w;
    }
    return g;
}

classify::PreprocessOptions preprocessOptions(const Args& args, const InputGeometry& g) {
    classify::PreprocessOptions p;
    p.inputHeight = g.height;
    p.inputWidth = g.width;
    p.centerCrop = !args.has("no-crop");
    if (args.has("resize")) {
        p.resizeShort = args.integer("resize", -1, 1, 16384);
        if (!p.centerCrop && (p.resizeShort != g.height || p.resizeShort != g.width))
            args.fail(format("--no-crop resizes straight to the %dx%d input, so --resize must be %d or left out",
                             g.height, g.width, g.height));
        if (p.centerCrop && (p.resizeShort < g.height || p.resizeShort < g.width))
            args.fail(format("--resize %d is smaller than the %dx%d crop", p.resizeShort, g.height, g.width));
    }
    if (auto v = args.numbers("mean", 3); !v.empty()) std::copy(v.begin(), v.end(), p.mean);
    if (auto v = args.numbers("std", 3); !v.empty()) {
        for (float s : v)
            if (s == 0.0f) args.fail("--std values must be non-zero");
        std::copy(v.begin(), v.end(), p.std);
    }
    return p;
}

std::vector<std::string> findLabels(const Args& args, const std::string& modelPath) {
    if (auto file = args.value("labels")) {
        std::error_code ec;  // a file of that name wins over a shipped list (e.g. a folder named cifar10 does not)
        if (!std::filesystem::is_regular_file(*file, ec))
            if (auto shipped = findShippedLabels(*file)) return classify::loadLabels(*shipped);
        return classify::loadLabels(*file);
    }
    auto next = std::filesystem::path(resolveModelPath(modelPath)).parent_path() / "labels.txt";
    std::error_code ec;
    if (std::filesystem::is_regular_file(next, ec)) return classify::loadLabels(next.string());
    return {};
}

std::vector<OptionSpec> modelOptionSpecs() {
    return {
        {"model", "MODEL.onnx", "the classifier (required): one 3-channel NCHW input", ""},
        {"labels", "FILE", "class names, one per line in output order; `imagenet` or `cifar10`: the lists resvk ships",
         "labels.txt next to the model, else \"class N\""}};
}

std::vector<OptionSpec> preprocessOptionSpecs() {
    return {{"resize", "S", "resize the short side to S before the crop", "round(256 * H / 224), 256 for 224"},
            {"crop", "HxW", "centre-crop size = network input; needed only when the model's H/W are symbolic",
             "the model's input size, 224x224 if symbolic"},
            {"no-crop", "", "resize the whole picture straight to the input size (CIFAR-style, no crop)", ""},
            {"mean", "R,G,B", "per-channel mean subtracted after scaling to [0,1]", "0.485,0.456,0.406"},
            {"std", "R,G,B", "per-channel standard deviation divided by", "0.229,0.224,0.225"}};
}

std::vector<OptionSpec> sourceOptionSpecs() {
    return {{"timeout", "SECONDS", "network/webcam: give up opening or reading after this long", "10"},
            {"input-format", "FMT", "webcam/stream input format, like ffmpeg -f (v4l2, mjpeg, ...)", "auto"},
            {"video-size", "WxH", "webcam capture size, like ffmpeg -video_size", "the device's"},
            {"framerate", "FPS", "webcam capture rate, like ffmpeg -framerate", "the device's"},
            {"reconnect", "SECONDS",
             "live sources (webcam, stream): after a loss, keep reopening (backoff 0.25 s doubling to 5 s) for up to "
             "this long; 0: a lost source just ends. Files are never reopened",
             "60"}};
}

std::vector<OptionSpec> regionOptionSpecs() {
    return {{"roi", "[SOURCE@]NAME=X,Y,W,H",
             "classify a region of interest instead of the whole frame (repeatable): pixels, or fractions when all "
             "four are <= 1; SOURCE@ limits it to one source, by 0-based index or its argument as given",
             "the whole frame"}};
}

void checkRegionSyntax(const Args& args) {
    std::vector<classify::RegionSpec> specs;
    try {
        for (const auto& text : args.values("roi")) specs.push_back(classify::parseRegion(text));
        classify::regionsPerSource(specs, args.positionals());
    } catch (const classify::RegionError& e) {
        args.fail(e.what());
    }
}

std::vector<std::vector<classify::RegionSpec>> regionOptions(
    const Args& args, const std::vector<std::unique_ptr<video::FrameSource>>& sources) {
    std::vector<classify::RegionSpec> specs;
    std::vector<std::string> names;
    for (const auto& s : sources) names.push_back(s->info().spec);
    try {
        for (const auto& text : args.values("roi")) specs.push_back(classify::parseRegion(text));
        auto perSource = classify::regionsPerSource(specs, names);
        for (size_t i = 0; i < sources.size(); ++i)
            for (const auto& spec : perSource[i]) {
                classify::RegionSpec named = spec;  // the message names the source
                named.source = std::to_string(i) + " (" + names[i] + ")";
                classify::resolveRegion(named, sources[i]->info().width, sources[i]->info().height);
            }
        return perSource;
    } catch (const classify::RegionError& e) {
        args.fail(e.what());
    }
}

std::vector<OptionSpec> optionGroups(std::initializer_list<std::vector<OptionSpec>> groups) {
    std::vector<OptionSpec> all;
    for (const auto& g : groups) all.insert(all.end(), g.begin(), g.end());
    return all;
}

video::SourceOptions sourceOptions(const Args& args, bool realtime) {
    video::SourceOptions o;
    o.inputFormat = args.str("input-format", "");
    o.videoSize = args.str("video-size", "");
    o.framerate = args.str("framerate", "");
    o.timeoutSeconds = args.number("timeout", 10.0, 0.1);
    o.reconnectSeconds = args.number("reconnect", 60.0, 0.0);
    o.realtime = realtime;
    return o;
}

}  // namespace resvk::app
