#include "ops/conv.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "conv_params.h"

namespace resvk::ops {

namespace {

shaders::ShaderId tileShader(const ConvTile& t, bool tileQueue) {
    using shaders::ShaderId;
    if (t.channelLanes) {
        switch (t.outTexels * 1000 + t.pixels * 10 + (t.subgroupInputs ? 1 : 0)) {
            case 2081:
                return tileQueue ? ShaderId::conv2d_lanes_sgq_o2p8 : ShaderId::conv2d_lanes_sg_o2p8;
            case 1161:
                return tileQueue ? ShaderId::conv2d_lanes_sgq_o1p16 : ShaderId::conv2d_lanes_sg_o1p16;
            case 2041:
                return tileQueue ? ShaderId::conv2d_lanes_sgq_o2p4 : ShaderId::conv2d_lanes_sg_o2p4;
            case 2080:
                return ShaderId::conv2d_lanes_o2p8;
            case 2040:
                return ShaderId::conv2d_lanes_o2p4;
            case 2010:
                return ShaderId::conv2d_lanes_o2p1;
            default:
                throw std::logic_error("no channel-lane convolution kernel for this tile");
        }
    }
    const int key = t.outTexels * 100 + t.pixels * 10 + (t.subgroupWeights ? 1 : 0);
    switch (key) {  // the shared-weight tiles: from a queue, or the fixed grid
        case 441:
            return tileQueue ? ShaderId::conv2d_sgq_o4p4 : ShaderId::conv2d_sg_o4p4;
        case 451:
            return tileQueue ? ShaderId::conv2d_sgq_o4p5 : ShaderId::conv2d_sg_o4p5;
        case 281:
            return tileQueue ? ShaderId::conv2d_sgq_o2p8 : ShaderId::conv2d_sg_o2p8;
        case 241:
            return tileQueue ? ShaderId::conv2d_sgq_o2p4 : ShaderId::conv2d_sg_o2p4;
        case 440:
            return ShaderId::conv2d_o4p4;
        case 280:
            return ShaderId::conv2d_o2p8;
        case 240:
            return ShaderId::conv2d_o2p4;
        case 140:
            return ShaderId::conv2d_o1p4;
        default:
            throw std::logic_error("no convolution kernel for this tile");
    }
}

bool hasPadding(const ConvGeometry& g) {
    return g.padBegin[0] || g.padBegin[1] || g.padEnd[0] || g.padEnd[1];
}

// Output indices [first, last) along one axis whose taps all land inside the
// input (empty when none do).
std::pair<int, int> innerRange(int in, int out, int kernel, int stride, int dilation, int padBegin) {
    const int first = std::min(out, (padBegin + stride - 1) / stride);
    const int lastOrigin = in - 1 + padBegin - (kernel - 1) * dilation;  // o * stride may not pass it
    const int last = lastOrigin < 0 ? 0 : std::min(out, lastOrigin / stride + 1);
    return {first, std::max(first, last)};
}

// How many times a dispatch of `pixels` output pixels reads every weight: once
// per workgroup column of the pixel-lane kernel, once per invocation's pixel
// block of the channel-lane one.
int64_t weightPasses(const ConvTile& t, int64_t pixels, uint32_t localSize) {
    const int64_t blocks = (pixels + t.pixels - 1) / t.pixels;
    return t.channelLanes ? blocks : (blocks + localSize - 1) / localSize;
}

// Pixels per invocation of the shared-weight 16-channel tile: 4 or 5, whichever
// leaves fewer idle pixel slots in the last workgroup (on ties 5). Every lane of
// a workgroup runs the whole reduction, computing or not, so at batch 1 a
// 14x14 layer wastes 12.5 % of its lanes at 4 (49 blocks in 7 rows of 8) and
// 2 % at 5 (40 blocks in 5); a 7x7 layer (49 pixels) wastes 23 % at 4, 39 % at 5.
// Per computed pixel the two cost about the same on lavapipe (bench/README.md).
int sharedWeightPixels(int64_t pixels, uint32_t localSize) {
    auto slots = [&](int perLane) {
        const int64_t blocks = (pixels + perLane - 1) / perLane;
        return (blocks + localSize - 1) / localSize * localSize * perLane;
    };
    return slots(5) <= slots(4) ? 5 : 4;
}

}  // namespace

bool convChannelsFirst(int64_t inputBytes, int64_t outputBytes, int64_t channelsFirstInputBytes, bool always) {
    if (always) return true;
    return channelsFirstInputBytes >= 0 && inputBytes > channelsFirstInputBytes && inputBytes > outputBytes;
}

ConvTile chooseConvTile(const Shape4& out, const Recorder& r, int weightSets) {
    const int64_t pixels = int64_t(out[0]) * out[2] * out[3];
    const int outC4 = channelTexels(out[1]);
    // Invocations a device needs in flight before bigger tiles pay off: a few
    // SIMD rows per core on a CPU, tens of thousands of lanes on a GPU.
    const int64_t wanted = r.convTileInvocations;
    // Few pixels: output channels across lanes, as long as they fill a row.
    const int sg = static_cast<int>(r.sharedWeightsSubgroup);
    if (pixels <= r.channelLanePixels && outC4 >= 2 * int64_t(r.localSize)) {
        // Shared inputs need whole subgroups per pixel block (and more than one
        // pixel), and whole subgroups of pixels per lane beyond one subgroup.
        auto canShareInputs = [&](const ConvTile& t) {
            const int channelGroups = (outC4 + t.outTexels - 1) / t.outTexels;
            return sg > 0 && t.pixels > 1 && (t.pixels <= sg || t.pixels % sg == 0) && channelGroups % sg == 0;
        };
        // 16 pixels or more: 4 channels x 16 pixels per lane reads each weight
        // once where 8 x 8 reads it twice (the 14x14 Winograd GEMMs at batch 1).
        // Measured when the 7x7 ones ran F(2x2), 16 tiles streaming ~17 MB of
        // weights per layer from memory: 10-12 -> 7-8.5 ms per layer
        // (bench/README.md, 2026-12-02 evening).
        const ConvTile wide{1, 16, false, true, true};
        if (pixels >= 16 && canShareInputs(wide)) return wide;
        ConvTile t{2, pixels >= 8 ? 8 : pixels >= 4 ? 4 : 1, false, true};
        t.subgroupInputs = canShareInputs(t);
        return t;
    }
    const ConvTile candidates[] = {{4, 4, false}, {2, 8, false}, {2, 4, false}, {1, 4, false}};
    // Batched GEMMs (Winograd) run every weight set at once: they count too.
    auto invocations = [&](const ConvTile& t) {
        return ((pixels + t.pixels - 1) / t.pixels) * ((outC4 + t.outTexels - 1) / t.outTexels) * weightSets;
    };
    for (ConvTile t : candidates) {
        if (t.outTexels > outC4 || invocations(t) < wanted) continue;
        t.subgroupWeights = sg > 0 && (t.outTexels * 4) % sg == 0 && t.outTexels > 1;
        if (t.outTexels == 4 && t.subgroupWeights) {
            ConvTile five = t;
            five.pixels = sharedWeightPixels(pixels, r.localSize);
            if (invocations(five) >= wanted) t = five;
        }
        return t;
    }
    return outC4 >= 2 ? ConvTile{2, 4, false} : ConvTile{1, 4, false};
}

int64_t weightRows(int outC, int block) {
    const int64_t rows = int64_t(channelTexels(outC)) * 4;
    return (rows + block - 1) / block * block;
}

size_t weightTexel(int co, int64_t k, int64_t texelsPerChannel, int block) {
    return size_t(((co / block) * texelsPerChannel + k) * block + co % block);
}

std::vector<float> packConvWeights(const std::vector<float>& w, int outC, int inC, const ConvGeometry& g, int block) {
    const int kh = g.kernel[0], kw = g.kernel[1];
    if (g.group != 1) {
        // The grouped kernel reads the ONNX array as is, four floats per texel.
        std::vector<float> flat(w);
        flat.resize((flat.size() + 3) / 4 * 4, 0.0f);
        return flat;
    }
    const int inC4 = channelTexels(inC);
    const int taps = kh * kw;
    std::vector<float> packed(size_t(weightRows(outC, block)) * inC4 * taps * 4, 0.0f);
    for (int co = 0; co < outC; ++co)
        for (int ci = 0; ci < inC; ++ci)
            for (int t = 0; t < taps; ++t) {
                const size_t texel = weightTexel(co, int64_t(ci / 4) * taps + t, int64_t(inC4) * taps, block);
                packed[texel * 4 + (ci & 3)] = w[(size_t(co) * inC + ci) * taps + t];
            }
    return packed;
}

std::vector<float> packBias(const std::vector<float>& bias, int outC) {
    std::vector<float> packed(size_t(channelTexels(outC)) * 4, 0.0f);
    for (size_t i = 0; i < bias.size() && i < packed.size(); ++i) packed[i] = bias[i];
    return packed;
}

shaders::ConvParams convParams(const ConvGeometry& g, const Shape4& in, const Shape4& out, bool hasBias,
                               bool hasResidual, bool relu) {
    shaders::ConvParams p{};
    p.batch = in[0];
    p.inC4 = channelTexels(in[1]);
    p.inH = in[2];
    p.inW = in[3];
    p.outC4 = channelTexels(out[1]);
    p.outH = out[2];
    p.outW = out[3];
    p.padTop = g.padBegin[0];
    p.padLeft = g.padBegin[1];
    p.hasBias = hasBias ? 1 : 0;
    p.hasResidual = hasResidual ? 1 : 0;
    p.relu = relu ? 1 : 0;
    p.inC = in[1];
    p.outC = out[1];
    p.groups = g.group;
    // Unpadded kernels cover this rectangle, padded ones the frame around it:
    // the whole output either way until recordConv splits a padded layer.
    const bool padded = hasPadding(g);
    p.innerY1 = padded ? 0 : p.outH;
    p.innerX1 = padded ? 0 : p.outW;
    return p;
}

int32_t epilogueBits(bool hasBias, bool hasResidual, bool relu) {
    return (hasBias ? RESVK_EPILOGUE_BIAS : 0) | (hasResidual ? RESVK_EPILOGUE_RESIDUAL : 0) |
           (relu ? RESVK_EPILOGUE_RELU : 0);
}

void recordConv(Recorder& r, const ConvGeometry& g, const ConvTile& tile, const ConvBindings& b, bool hasBias,
                bool relu, int weightSets) {
    const Shape4& out = b.output.shape;
    shaders::ConvParams p = convParams(g, b.input.shape, out, hasBias, b.residual != nullptr, relu);
    std::vector<int32_t> spec = {static_cast<int32_t>(r.localSize),
                                 g.kernel[0],
                                 g.kernel[1],
                                 g.stride[0],
                                 g.stride[1],
                                 g.dilation[0],
                                 g.dilation[1]};
    const vk::BufferSlice residual = b.residual ? b.residual->slice : b.input.slice;
    const std::vector<vk::BufferSlice> inputs = {b.input.slice, b.weights, b.bias, residual};

    if (g.group != 1) {
        vk::KernelKey key{shaders::ShaderId::conv_grouped, spec, 4, sizeof p};
        r.dispatch(key, b.output.slice, inputs, &p, flatGrid(texelCount(out), r.localSize));
        return;
    }
    const bool padded = hasPadding(g);
    const size_t paddedSpec = spec.size();
    spec.push_back(padded ? 1 : 0);
    const bool subgroupShared = tile.subgroupWeights || tile.subgroupInputs;
    spec.push_back(subgroupShared ? static_cast<int32_t>(r.sharedWeightsSubgroup) : 0);
    spec.push_back(weightSets > 1 ? 1 : 0);
    spec.push_back(epilogueBits(hasBias, b.residual != nullptr, relu));
    spec.push_back(p.inC4 == 1 ? p.inC : 4);  // IN_LANES (conv2d.comp)
    // Batched GEMMs: each batch item (grid z) has its own weight set.
    const int64_t items = weightSets > 1 ? 1 : out[0];
    // The channel-lane kernels interleave channels and pixels in one flat grid.
    auto bytes = [&](const Shape4& s) { return items * channelTexels(s[1]) * s[2] * s[3] * texelBytes(r.precision); };
    const bool byChannels = !tile.channelLanes && convChannelsFirst(bytes(b.input.shape), bytes(out),
                                                                    r.channelsFirstInputBytes, r.channelsFirstAlways);
    spec.push_back(byChannels ? 1 : 0);  // CHANNELS_FASTEST (conv2d.comp)
    spec.push_back(r.weightBlock);       // WEIGHT_BLOCK, as packConvWeights / packWinogradWeights laid them out
    if (weightSets > 1)
        p.weightBatchStride =
            static_cast<int32_t>(weightRows(p.outC, r.weightBlock) * p.inC4 * g.kernel[0] * g.kernel[1]);
    // The tiles that share fetches across a subgroup run as one pinned subgroup
    // per workgroup, which is also what a queue needs.
    const bool oneSubgroup = tile.subgroupInputs || (!tile.channelLanes && tile.subgroupWeights);
    const bool queued = r.tileQueue && oneSubgroup;
    vk::KernelKey key{tileShader(tile, queued), spec, 4, sizeof p};
    if (oneSubgroup) key.requiredSubgroupSize = r.sharedWeightsSubgroup;
    key.tileQueue = queued;
    // A queued workgroup loops over its tiles within kQueuedLoopIterations,
    // counting every tap of the reduction as one (the tap loops may stay loops)
    // and the tile's own loops generously.
    const int64_t tileIterations = int64_t(p.inC4 == 1 ? 1 : p.inC4) * g.kernel[0] * (g.kernel[1] + 1) + 64;
    const uint32_t tileLimit =
        queued ? static_cast<uint32_t>(std::max<int64_t>(1, kQueuedLoopIterations / tileIterations)) : 0;

    // One dispatch over `pixels` output pixels per image.
    auto dispatchPixels = [&](const vk::KernelKey& k, const shaders::ConvParams& params, int64_t pixels) {
        const int64_t pixelBlocks = (items * pixels + tile.pixels - 1) / tile.pixels;
        const uint32_t sets = static_cast<uint32_t>(weightSets > 1 ? weightSets : 1);
        if (tile.channelLanes) {
            auto grid = flatGrid((params.outC4 + tile.outTexels - 1) / tile.outTexels * pixelBlocks, r.localSize);
            grid[2] = sets;
            r.dispatch(k, b.output.slice, inputs, &params, grid, tileLimit);
            return;
        }
        const uint32_t groupsX = static_cast<uint32_t>((pixelBlocks + r.localSize - 1) / r.localSize);
        const uint32_t groupsY = static_cast<uint32_t>((params.outC4 + tile.outTexels - 1) / tile.outTexels);
        if (groupsX > 65535 || groupsY > 65535) throw std::runtime_error("convolution too large for one dispatch");
        if (byChannels)
            r.dispatch(k, b.output.slice, inputs, &params, {groupsY, groupsX, sets}, tileLimit);
        else
            r.dispatch(k, b.output.slice, inputs, &params, {groupsX, groupsY, sets}, tileLimit);
    };

    const int64_t plane = int64_t(out[2]) * out[3];
    if (padded && r.splitPadded) {
        const auto [y0, y1] = innerRange(p.inH, p.outH, g.kernel[0], g.stride[0], g.dilation[0], g.padBegin[0]);
        const auto [x0, x1] = innerRange(p.inW, p.outW, g.kernel[1], g.stride[1], g.dilation[1], g.padBegin[1]);
        const int64_t inner = int64_t(y1 - y0) * (x1 - x0);
        // Worth it unless the two dispatches read the weights markedly more often
        // than one: at batch 1, 7x7 stages stream megabytes of weights per pass.
        const int64_t passes = weightPasses(tile, items * plane, r.localSize);
        const int64_t splitPasses =
            weightPasses(tile, items * inner, r.localSize) + weightPasses(tile, items * (plane - inner), r.localSize);
        if (inner > 0 && splitPasses * 16 <= passes * 17) {
            p.innerY0 = y0, p.innerY1 = y1, p.innerX0 = x0, p.innerX1 = x1;
            vk::KernelKey unpadded = key;
            unpadded.specialization[paddedSpec] = 0;
            dispatchPixels(unpadded, p, inner);
            if (inner < plane) dispatchPixels(key, p, plane - inner);
            return;
        }
    }
    dispatchPixels(key, p, plane);
}

}  // namespace resvk::ops
