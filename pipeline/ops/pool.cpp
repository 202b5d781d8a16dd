#include "ops/pool.h"

#include "ops/flat_kernel.h"

namespace resvk::ops {

namespace {

// Outputs per invocation, rows x columns: neighbouring windows share input
// texels (a 3x3/2 max pool reads 45 for a 2x4 block, 72 for eight outputs
// alone). On lavapipe 2x4 beat 2x2, 1x4 and 4x4 at batch 1 and 8 (bench/README.md).
constexpr int kBlockH = 2;
constexpr int kBlockW = 4;
// The block's input footprint is unrolled into straight-line code: windows
// whose footprint is larger pool one output per invocation, tap by tap (a
// 60x80 window with dilation 10 spans 601 x 821 texels).
constexpr int64_t kMaxBlockFootprint = 64;

int64_t ceilDiv(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}

}  // namespace

void recordPool(Recorder& r, PoolKind kind, const ConvGeometry& w, bool countIncludePad, const Tensor& in,
                const Tensor& out) {
    auto p = tensorParams(out.shape, in.shape);
    p.mode = kind == PoolKind::Max ? 0 : 1;
    p.flags = countIncludePad ? 1 : 0;
    p.start[2] = w.padBegin[0];
    p.start[3] = w.padBegin[1];
    p.step[2] = w.padEnd[0];
    p.step[3] = w.padEnd[1];
    // Each invocation pools a block of bh x bw outputs (pool.comp).
    auto span = [](int block, int stride, int kernel, int dilation) {
        return int64_t(block - 1) * stride + int64_t(kernel - 1) * dilation + 1;
    };
    const bool blocked = span(kBlockH, w.stride[0], w.kernel[0], w.dilation[0]) *
                             span(kBlockW, w.stride[1], w.kernel[1], w.dilation[1]) <=
                         kMaxBlockFootprint;
    const int bh = blocked ? kBlockH : 1, bw = blocked ? kBlockW : 1;
    const std::vector<int32_t> spec = {static_cast<int32_t>(r.localSize),
                                       w.dilation[0],
                                       w.dilation[1],
                                       w.kernel[0],
                                       w.kernel[1],
                                       p.mode,
                                       w.stride[0],
                                       w.stride[1],
                                       bh,
                                       bw};
    const int64_t blocks =
        int64_t(out.shape[0]) * channelTexels(out.shape[1]) * ceilDiv(out.shape[2], bh) * ceilDiv(out.shape[3], bw);
    vk::KernelKey key{shaders::ShaderId::pool, spec, 1, sizeof p};
    r.dispatch(key, out.slice, {in.slice}, &p, flatGrid(blocks, r.localSize));
}

void recordGlobalAveragePool(Recorder& r, const Tensor& in, const Tensor& out) {
    recordFlat(r, shaders::ShaderId::global_avgpool, tensorParams(out.shape, in.shape), out, {in.slice});
}

}  // namespace resvk::ops
