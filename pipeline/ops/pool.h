#pragma once
#include "ops/conv.h"
#include "ops/tensor.h"

namespace resvk::ops {

enum class PoolKind { Max, Average };

// MaxPool / AveragePool over a window (ConvGeometry's kernel, stride, dilation, pads).
void recordPool(Recorder& r, PoolKind kind, const ConvGeometry& window, bool countIncludePad, const Tensor& in,
                const Tensor& out);
void recordGlobalAveragePool(Recorder& r, const Tensor& in, const Tensor& out);

}  // namespace resvk::ops
