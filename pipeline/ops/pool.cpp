#include "ops/pool.h"

#include "ops/flat_kernel.h"

namespace resvk::ops {

void recordPool(Recorder& r, PoolKind kind, const ConvGeometry& w, bool countIncludePad, const Tensor& in,
                const Tensor& out) {
    auto p = tensorParams(out.shape, in.shape);
    p.mode = kind == PoolKind::Max ? 0 : 1;
    p.flags = countIncludePad ? 1 : 0;
    p.perm[0] = w.kernel[0];
    p.perm[1] = w.kernel[1];
    p.perm[2] = w.stride[0];
    p.perm[3] = w.stride[1];
    p.start[2] = w.padBegin[0];
    p.start[3] = w.padBegin[1];
    p.step[2] = w.padEnd[0];
    p.step[3] = w.padEnd[1];
    recordFlat(r, shaders::ShaderId::pool, p, out, {in.slice},
               {w.dilation[0], w.dilation[1], w.kernel[0], w.kernel[1], p.mode});
}

void recordGlobalAveragePool(Recorder& r, const Tensor& in, const Tensor& out) {
    recordFlat(r, shaders::ShaderId::global_avgpool, tensorParams(out.shape, in.shape), out, {in.slice});
}

}  // namespace resvk::ops
