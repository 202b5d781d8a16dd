#pragma once
// Naive CPU reference implementations (row-major floats, NCHW for images) the
// GPU ops are tested against. Written for clarity, accumulating in double.
#include <cstdint>
#include <vector>

#include "model/program.h"

namespace resvk::reference {

struct Tensor {
    model::Shape shape;
    std::vector<float> data;
};

// Uniform [-1, 1] values from a fixed-seed generator.
Tensor random(const model::Shape& shape, uint32_t seed);
std::vector<float> randomVector(size_t n, uint32_t seed);

// x rounded to the nearest IEEE half (ties to even; from 65520 up, infinity),
// computed with frexp/ldexp: independent of the engine's bit-level converter.
float roundToHalf(float x);

// Largest |a - b| (infinity for a size mismatch, NaN counts as infinity).
double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b);

// x [N, C, H, W], w [Cout, C/group, kh, kw], bias empty or [Cout].
Tensor conv2d(const Tensor& x, const std::vector<float>& w, const model::Shape& wShape, const std::vector<float>& bias,
              const model::Window2d& win, int group);
// Output size of a convolution/pool window along one axis (floor mode).
int64_t windowOut(int64_t in, int kernel, int stride, int dilation, int padBegin, int padEnd);

Tensor maxPool2d(const Tensor& x, const model::Window2d& win);
Tensor averagePool2d(const Tensor& x, const model::Window2d& win, bool countIncludePad);
Tensor globalAveragePool(const Tensor& x);  // -> [N, C, 1, 1]

// y = x W^T + b, x [N, K], w [M, K], b empty or [M].
Tensor gemm(const Tensor& x, const std::vector<float>& w, int64_t m, const std::vector<float>& bias);

enum class BinaryOp { Add, Mul };
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);  // numpy broadcasting
Tensor relu(const Tensor& x);
Tensor add(const Tensor& a, const Tensor& b);  // same shapes
// Per-channel (dim 1) y = x * scale[c] + shift[c].
Tensor affine(const Tensor& x, const std::vector<float>& scale, const std::vector<float>& shift);
Tensor softmax(const Tensor& x, int axis);
// Constant pad: begin/end pads per dim (negative = crop).
Tensor pad(const Tensor& x, const std::vector<int64_t>& begin, const std::vector<int64_t>& end, float value);
// Slice with per-dim start, step (may be negative) and output shape.
Tensor slice(const Tensor& x, const std::vector<int64_t>& starts, const std::vector<int64_t>& steps,
             const model::Shape& outShape);
Tensor concat(const std::vector<Tensor>& xs, int axis);
Tensor reshape(const Tensor& x, const model::Shape& shape);
Tensor transpose(const Tensor& x, const std::vector<int64_t>& perm);

}  // namespace resvk::reference
