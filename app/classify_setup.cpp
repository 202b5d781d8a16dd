#include "classify_setup.h"

#include <algorithm>
#include <array>

#include "classify/shipped_labels.h"
#include "model_registry.h"

namespace resvk::app {

InputGeometry checkInput(const model::Model& m, const Args& args) {
    try {
        return classify::checkInput(m, args.str("crop", ""));
    } catch (const classify::OptionError& e) {
        args.fail(e.what());
    }
}

classify::PreprocessOptions preprocessOptions(const Args& args, const InputGeometry& g) {
    classify::PreprocessChoice choice;
    choice.noCrop = args.has("no-crop");
    if (args.has("resize")) choice.resize = args.integer("resize", -1, 1, 16384);
    auto triple = [](const std::vector<float>& v) {
        std::array<float, 3> t{};
        std::copy(v.begin(), v.end(), t.begin());
        return t;
    };
    if (auto v = args.numbers("mean", 3); !v.empty()) choice.mean = triple(v);
    if (auto v = args.numbers("std", 3); !v.empty()) choice.std = triple(v);
    try {
        return classify::preprocessOptions(g, choice);
    } catch (const classify::OptionError& e) {
        args.fail(e.what());
    }
}

std::vector<std::string> findLabels(const Args& args, const std::string& modelPath) {
    return classify::findLabels(args.value("labels"), resolveModelPath(modelPath),
                                classify::shippedLabelDirsOfExecutable());
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
