#include "ops/movement.h"

#include "ops/flat_kernel.h"

namespace resvk::ops {

namespace {
constexpr int kModeStrided = 0, kModeReshape = 1, kModeTranspose = 2;
constexpr int kPreserveOutput = 1;
}  // namespace

void recordStridedCopy(Recorder& r, const Tensor& in, const Shape4& start, const Shape4& step, float value,
                       const Tensor& out) {
    auto p = tensorParams(out.shape, in.shape);
    p.mode = kModeStrided;
    p.value = value;
    for (int d = 0; d < 4; ++d) {
        p.start[d] = start[d];
        p.step[d] = step[d];
    }
    recordFlat(r, shaders::ShaderId::gather, p, out, {in.slice});
}

void recordConcat(Recorder& r, const std::vector<Tensor>& inputs, int axis, const Tensor& out) {
    int offset = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
        auto p = tensorParams(out.shape, inputs[i].shape);
        p.mode = kModeStrided;
        p.start[axis] = -offset;
        // Texels straddling two inputs get their lanes from successive dispatches.
        p.flags = i == 0 ? 0 : kPreserveOutput;
        recordFlat(r, shaders::ShaderId::gather, p, out, {inputs[i].slice});
        offset += inputs[i].shape[axis];
    }
}

void recordReshape(Recorder& r, const Tensor& in, const Tensor& out) {
    auto p = tensorParams(out.shape, in.shape);
    p.mode = kModeReshape;
    recordFlat(r, shaders::ShaderId::gather, p, out, {in.slice});
}

void recordTranspose(Recorder& r, const Tensor& in, const Shape4& perm, const Tensor& out) {
    auto p = tensorParams(out.shape, in.shape);
    p.mode = kModeTranspose;
    for (int d = 0; d < 4; ++d) p.perm[d] = perm[d];
    recordFlat(r, shaders::ShaderId::gather, p, out, {in.slice});
}

}  // namespace resvk::ops
