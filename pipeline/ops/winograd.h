#pragma once
// 3x3 stride-1 convolution by Winograd F(m x m, 3x3), m = 2 or 4: F(2x2) needs
// 16 multiplies per 4 outputs (2.25x fewer than direct), F(4x4) 36 per 16 (4x
// fewer). Three dispatches: input transform, (m+2)^2 batched GEMMs (a 1x1
// convolution kernel), output transform (+ bias, residual, ReLU). Needs two
// scratch tensors from the caller.
#include <vector>

#include "ops/conv.h"

namespace resvk::ops {

bool winogradApplies(const ConvGeometry& g);

// The output tile m to use for this layer on this device, 0 for none. The
// transforms cost memory traffic that layers with few channels do not win back;
// F(4x4) where it multiplies less per real output than F(2x2), counting the
// tiles' parts outside the image (a 7x7 output leaves 23 % of its 8x8 F(4x4)
// tiles outside, and still takes F(4x4)), capped by `maxTile` (the device
// traits' choice: 0 off, 2, or 4).
int winogradTile(const ConvGeometry& g, const Shape4& in, const Shape4& out, int maxTile);

// Scratch tensors: V = [(m+2)^2, Cin, 1, tiles] and M = [(m+2)^2, Cout, 1, tiles].
Shape4 winogradInputScratch(const Shape4& in, const Shape4& out, int tile);
Shape4 winogradOutputScratch(const Shape4& out, int tile);

// ONNX [Cout, Cin, 3, 3] weights as (m+2)^2 GEMM weight sets U = G g G^T, each
// laid out as packConvWeights lays out a 1x1 convolution's (blocks of `block`).
std::vector<float> packWinogradWeights(const std::vector<float>& weights, int outC, int inC, int tile, int block = 1);

void recordWinogradConv(Recorder& r, const ConvGeometry& g, const ConvBindings& b, const Tensor& v, const Tensor& m,
                        bool hasBias, bool relu, int tile);

}  // namespace resvk::ops
