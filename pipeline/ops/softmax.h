#pragma once
#include "ops/tensor.h"

namespace resvk::ops {

// Softmax along `axis` (0..3) of the 4-D view.
void recordSoftmax(Recorder& r, const Tensor& in, int axis, const Tensor& out);

}  // namespace resvk::ops
