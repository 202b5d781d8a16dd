#pragma once
// Records a group-1 convolution with the GPU kernels of ops/conv_choice.h:
// the tiled (or cooperative-matrix) implicit GEMM, and with split-K its
// reduction. Weights and bias as ops/conv.h packs them for conv2d.comp.
#include "ops/conv.h"
#include "ops/conv_choice.h"

namespace resvk::ops {

ConvProblem convProblem(const ConvGeometry& g, const Shape4& in, const Shape4& out);

// The scratch tensor split-K needs for `choice` (its fp32 partial sums, split s
// in batch items s*N .. s*N+N-1; in an fp16 plan twice the items, as the arena
// sizes it in halves), or nothing (shape with 0 batch) without split.
Shape4 splitKScratch(const ConvChoice& choice, const Shape4& out, vk::Precision precision);

// `partials`: a tensor of splitKScratch's shape; only read when choice.splits > 1.
void recordGpuConv(Recorder& r, const ConvGeometry& g, const ConvChoice& choice, const ConvBindings& b,
                   const Tensor* partials, bool hasBias, bool relu);

}  // namespace resvk::ops
