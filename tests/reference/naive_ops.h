#pragma once
// Naive CPU reference implementations (NCHW floats) the GPU ops are tested against.
#include <vector>

#include "model/program.h"

namespace resvk::reference {

struct Tensor {
    model::Shape shape;
    std::vector<float> data;
};

Tensor conv2d(const Tensor& x, const std::vector<float>& w, const model::Shape& wShape, const std::vector<float>& bias,
              const model::Window2d& win, int group);

}  // namespace resvk::reference
