#pragma once
// 3x3 stride-1 convolution by Winograd F(2x2, 3x3): 2.25x fewer multiplies.
// Three dispatches: input transform, 16 batched GEMMs (the conv2d kernel), output
// transform (+ bias, residual, ReLU). Needs two scratch tensors from the caller.
#include <vector>

#include "ops/conv.h"

namespace resvk::ops {

bool winogradApplies(const ConvGeometry& g);

// Whether Winograd pays off for this layer on this device (the transforms cost
// memory traffic that small layers do not win back).
bool winogradPreferred(const ConvGeometry& g, const Shape4& in, const Shape4& out);

// Scratch tensors: V = [16, Cin, 1, tiles] and M = [16, Cout, 1, tiles].
Shape4 winogradInputScratch(const Shape4& in, const Shape4& out);
Shape4 winogradOutputScratch(const Shape4& out);

// ONNX [Cout, Cin, 3, 3] weights as 16 GEMM weight sets U = G g G^T.
std::vector<float> packWinogradWeights(const std::vector<float>& weights, int outC, int inC);

void recordWinogradConv(Recorder& r, const ConvGeometry& g, const ConvBindings& b, const Tensor& v, const Tensor& m,
                        bool hasBias, bool relu);

}  // namespace resvk::ops
