#pragma once
// What every front-end (the CLI, the Python module, the GStreamer element) checks
// and derives before it classifies anything: the model's input geometry and the
// preprocessing the user asked for, from plain values. Messages name the options
// the way the CLI spells them (--crop, --resize, ...), so every front-end reports
// the same one line.
#include <array>
#include <optional>
#include <stdexcept>
#include <string>

#include "classify/preprocess.h"
#include "model/model.h"

namespace resvk::classify {

// A preprocessing or labels option that cannot work with this model; what() is
// one line naming the option. The CLI shows it as a usage error (exit 2).
struct OptionError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct InputGeometry {
    std::string name;
    int batch = -1;  // fixed batch of the model, -1 = free
    int height = 224, width = 224;
};

// Throws model::Error unless the model takes one 3-channel NCHW image. `crop`
// ("HxW", empty = none) sets the size of symbolic H/W and must match fixed ones
// (OptionError otherwise).
InputGeometry checkInput(const model::Model& m, const std::string& crop = "");

// What the user chose; unset fields take torchvision's ImageNet defaults.
struct PreprocessChoice {
    std::optional<int> resize;  // short side before the crop, in [1, 16384]
    bool noCrop = false;        // resize the whole picture straight to the input size
    std::optional<std::array<float, 3>> mean, std;
};

// The preprocessing for input geometry `g`. Throws OptionError for a resize that
// the crop cannot take or a zero standard deviation.
PreprocessOptions preprocessOptions(const InputGeometry& g, const PreprocessChoice& choice);

}  // namespace resvk::classify
