#include "ops/softmax.h"

#include "ops/flat_kernel.h"

namespace resvk::ops {

void recordSoftmax(Recorder& r, const Tensor& in, int axis, const Tensor& out) {
    auto p = tensorParams(out.shape, in.shape);
    p.mode = axis;
    recordFlat(r, shaders::ShaderId::softmax, p, out, {in.slice});
}

}  // namespace resvk::ops
