#include "classify/model_input.h"

#include <algorithm>
#include <cstdio>

namespace resvk::classify {

namespace {

// "Nx3x224x224": symbolic dimensions shown as N.
std::string shapeText(const model::Shape& shape) {
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + (shape[i] < 0 ? "N" : std::to_string(shape[i]));
    return s.empty() ? "scalar" : s;
}

}  // namespace

InputGeometry checkInput(const model::Model& m, const std::string& crop) {
    if (m.inputs().size() != 1)
        throw model::Error("model has " + std::to_string(m.inputs().size()) +
                           " inputs: classify needs exactly one image input");
    const auto& in = m.inputs()[0];
    if (in.shape.size() != 4 || in.shape[1] != 3)
        throw model::Error("model input '" + in.name + "' is " + shapeText(in.shape) +
                           ": classify needs a 3-channel image input (Nx3xHxW)");
    InputGeometry g{in.name, static_cast<int>(in.shape[0])};
    if (in.shape[2] > 0) g.height = static_cast<int>(in.shape[2]);
    if (in.shape[3] > 0) g.width = static_cast<int>(in.shape[3]);
    if (!crop.empty()) {
        int h = 0, w = 0;
        char tail = 0;
        if (std::sscanf(crop.c_str(), "%dx%d%c", &h, &w, &tail) != 2 || h <= 0 || w <= 0 || h > 8192 || w > 8192)
            throw OptionError("--crop expects HxW, e.g. 224x224, got '" + crop + "'");
        if ((in.shape[2] > 0 && in.shape[2] != h) || (in.shape[3] > 0 && in.shape[3] != w))
            throw OptionError("--crop " + crop + " does not match the model's input " + shapeText(in.shape));
        g.height = h;
        g.width = w;
    }
    return g;
}

PreprocessOptions preprocessOptions(const InputGeometry& g, const PreprocessChoice& choice) {
    PreprocessOptions p;
    p.inputHeight = g.height;
    p.inputWidth = g.width;
    p.centerCrop = !choice.noCrop;
    if (choice.resize) {
        p.resizeShort = *choice.resize;
        if (p.resizeShort < 1 || p.resizeShort > 16384)
            throw OptionError("--resize must be an integer from 1 to 16384, got '" + std::to_string(p.resizeShort) +
                              "'");
        const std::string input = std::to_string(g.height) + "x" + std::to_string(g.width);
        if (!p.centerCrop && (p.resizeShort != g.height || p.resizeShort != g.width))
            throw OptionError("--no-crop resizes straight to the " + input + " input, so --resize must be " +
                              std::to_string(g.height) + " or left out");
        if (p.centerCrop && (p.resizeShort < g.height || p.resizeShort < g.width))
            throw OptionError("--resize " + std::to_string(p.resizeShort) + " is smaller than the " + input + " crop");
    }
    if (choice.mean) std::copy(choice.mean->begin(), choice.mean->end(), p.mean);
    if (choice.std) {
        for (float s : *choice.std)
            if (s == 0.0f) throw OptionError("--std values must be non-zero");
        std::copy(choice.std->begin(), choice.std->end(), p.std);
    }
    return p;
}

}  // namespace resvk::classify
