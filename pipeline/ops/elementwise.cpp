#include "ops/elementwise.h"

#include "ops/flat_kernel.h"

namespace resvk::ops {

void recordBinary(Recorder& r, BinaryOp op, const Tensor& a, const Tensor& b, bool relu, const Tensor& out) {
    auto p = tensorParams(out.shape, a.shape);
    for (int d = 0; d < 4; ++d) p.auxShape[d] = b.shape[d];
    p.mode = static_cast<int>(op);
    p.relu = relu ? 1 : 0;
    p.flags = (a.shape == out.shape && b.shape == out.shape) ? 1 : 0;
    recordFlat(r, shaders::ShaderId::eltwise, p, out, {a.slice, b.slice});
}

void recordRelu(Recorder& r, const Tensor& a, const Tensor& out) {
    auto p = tensorParams(out.shape, a.shape);
    p.mode = 2;
    p.relu = 1;
    p.flags = 1;
    recordFlat(r, shaders::ShaderId::eltwise, p, out, {a.slice, a.slice});
}

void recordAffine(Recorder& r, const Tensor& a, const vk::BufferSlice& scale, const vk::BufferSlice& shift, bool relu,
                  const Tensor& out) {
    auto p = tensorParams(out.shape, a.shape);
    p.relu = relu ? 1 : 0;
    recordFlat(r, shaders::ShaderId::affine, p, out, {a.slice, scale, shift});
}

}  // namespace resvk::ops
