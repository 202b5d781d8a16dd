#pragma once
#include "ops/tensor.h"

namespace resvk::ops {

enum class BinaryOp { Add = 0, Mul = 1 };

// out = a (op) b with broadcasting (shapes already rank-4 views), optional ReLU.
void recordBinary(Recorder& r, BinaryOp op, const Tensor& a, const Tensor& b, bool relu, const Tensor& out);
// out = relu(a)
void recordRelu(Recorder& r, const Tensor& a, const Tensor& out);
// out = a * scale[c] + shift[c], optional ReLU; scale/shift are packBias()-style texels.
void recordAffine(Recorder& r, const Tensor& a, const vk::BufferSlice& scale, const vk::BufferSlice& shift, bool relu,
                  const Tensor& out);

}  // namespace resvk::ops
