#pragma once
// Ops that only move data: Slice, Pad, Concat, Reshape/Flatten, Transpose.
#include <vector>

#include "ops/tensor.h"

namespace resvk::ops {

// out[i] = in[start + i * step] per dim; outside the input: `value`.
void recordStridedCopy(Recorder& r, const Tensor& in, const Shape4& start, const Shape4& step, float value,
                       const Tensor& out);
// Concatenation along `axis` of the 4-D views.
void recordConcat(Recorder& r, const std::vector<Tensor>& inputs, int axis, const Tensor& out);
// Same elements, same row-major order, new shape.
void recordReshape(Recorder& r, const Tensor& in, const Tensor& out);
// out dim d = in dim perm[d].
void recordTranspose(Recorder& r, const Tensor& in, const Shape4& perm, const Tensor& out);

}  // namespace resvk::ops
