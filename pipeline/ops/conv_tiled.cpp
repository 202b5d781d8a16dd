#include "ops/conv_tiled.h"

#include <stdexcept>

#include "conv_tiled_params.h"

namespace resvk::ops {

ConvProblem convProblem(const ConvGeometry& g, const Shape4& in, const Shape4& out) {
    return {int64_t(out[0]) * out[2] * out[3], channelTexels(out[1]), channelTexels(in[1]) * g.kernel[0] * g.kernel[1]};
}

Shape4 splitKScratch(const ConvChoice& choice, const Shape4& out, vk::Precision precision) {
    if (choice.splits <= 1) return {0, out[1], out[2], out[3]};
    // Partial sums stay fp32 in an fp16 plan: twice the items of fp16 texels hold them.
    const int widen = precision == vk::Precision::Fp16 ? 2 : 1;
    return {out[0] * choice.splits * widen, out[1], out[2], out[3]};
}

void recordGpuConv(Recorder& r, const ConvGeometry& g, const ConvChoice& choice, const ConvBindings& b,
                   const Tensor* partials, bool hasBias, bool relu) {
    if (g.group != 1 || !choice.tile) throw std::logic_error("GPU convolution kernels take group 1 only");
    const Shape4& in = b.input.shape;
    const Shape4& out = b.output.shape;
    const ConvProblem problem = convProblem(g, in, out);
    shaders::TiledConvParams p{};
    p.batch = out[0];
    p.inC4 = channelTexels(in[1]);
    p.inH = in[2];
    p.inW = in[3];
    p.outC4 = problem.outC4;
    p.outH = out[2];
    p.outW = out[3];
    p.padTop = g.padBegin[0];
    p.padLeft = g.padBegin[1];
    p.hasBias = hasBias ? 1 : 0;
    p.hasResidual = b.residual ? 1 : 0;
    p.relu = relu ? 1 : 0;
    p.kTexels = problem.kTexels;
    p.kPerSplit = choice.kPerSplit;
    p.outTexels = static_cast<int>(texelCount(out));
    p.splits = choice.splits;

    const bool split = choice.splits > 1;
    if (split && (!partials || texelCount(partials->shape) < int64_t(choice.splits) * p.outTexels))
        throw std::logic_error("split-K needs its partial-sum scratch tensor");
    const bool padded = g.padBegin[0] || g.padBegin[1] || g.padEnd[0] || g.padEnd[1];
    const GpuConvTile& tile = *choice.tile;
    const std::vector<int32_t> spec = {static_cast<int32_t>(tile.threads),
                                       g.kernel[0],
                                       g.kernel[1],
                                       g.stride[0],
                                       g.stride[1],
                                       g.dilation[0],
                                       g.dilation[1],
                                       padded ? 1 : 0,
                                       split ? 1 : 0};
    const vk::BufferSlice residual = b.residual ? b.residual->slice : b.input.slice;
    vk::KernelKey key{tile.shader, spec, 4, sizeof p};
    // The cooperative-matrix kernel is 4 subgroups of 32 lanes: pinned, full.
    if (tile.family == ConvFamily::CoopMat) key.requiredSubgroupSize = 32;
    const int64_t groupsX = (problem.pixels + tile.bm - 1) / tile.bm;
    const int64_t groupsY = (int64_t(problem.outC4) * 4 + tile.bn - 1) / tile.bn;
    if (groupsX > 65535 || groupsY > 65535 || choice.splits > 65535)
        throw std::runtime_error("convolution too large for one dispatch");
    const std::array<uint32_t, 3> grid = {static_cast<uint32_t>(groupsX), static_cast<uint32_t>(groupsY),
                                          static_cast<uint32_t>(choice.splits)};
    if (!split) {
        r.dispatch(key, b.output.slice, {b.input.slice, b.weights, b.bias, residual}, &p, grid);
        return;
    }
    // Partial sums first, then one pass adds them in split order and finishes.
    // The partial sums are written and read as fp32 whatever the plan stores
    // (rounding each split's sum to a half loses several bits of the result):
    // the fp32 kernel variant reading the plan's tensors, and an RGBA32F view.
    const VkFormat tensors = texelFormat(r.precision), fp32 = texelFormat(vk::Precision::Fp32);
    r.stream.dispatch(key, partials->slice,
                      {{b.input.slice, tensors}, {b.weights, tensors}, {b.bias, tensors}, {residual, tensors}}, &p,
                      grid);
    vk::KernelKey reduce{r.kernel(shaders::ShaderId::conv_split_reduce), {static_cast<int32_t>(r.localSize)}, 3,
                         sizeof p};
    r.stream.dispatch(reduce, b.output.slice, {{partials->slice, fp32}, {b.bias, tensors}, {residual, tensors}}, &p,
                      flatGrid(p.outTexels, r.localSize));
}

}  // namespace resvk::ops
