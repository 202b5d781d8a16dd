#include "ops/conv_choice.h"

#include <algorithm>
#include <stdexcept>

namespace resvk::ops {

namespace {

// Compute units assumed where no extension reports them: a mid-size GPU, so
// that small layers still split on big ones at the cost of a little reduction.
constexpr int kDefaultComputeUnits = 32;
// Workgroups per compute unit a layer should launch before a bigger tile or no
// split is preferred: two keeps each unit busy while the other waits on memory.
constexpr int kGroupsPerUnit = 2;
// A split covers at least this many K steps, so the reduction stays a small
// fraction of the work; and no layer splits more than kMaxSplits ways.
constexpr int kMinStepsPerSplit = 4;
constexpr int kMaxSplits = 16;

int64_t ceilDiv(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}

int64_t groupsFor(const GpuConvTile& t, const ConvProblem& p) {
    return ceilDiv(p.pixels, t.bm) * ceilDiv(int64_t(p.outC4) * 4, t.bn);
}

}  // namespace

const std::vector<GpuConvTile>& gpuConvTiles() {
    using shaders::ShaderId;
    // Largest first: chooseGpuConv takes the first that fills the device. Shared
    // bytes: BK=8 K texels of the weight block as vec4 (conv_tiled.comp), or of
    // the input and weight blocks as fp16 plus a bm x bn fp32 block (conv_coopmat.comp).
    static const std::vector<GpuConvTile> tiles = {
#ifdef RESVK_HAVE_COOPMAT
        {ConvFamily::CoopMat, "coopmat64x64", 64, 64, 128, 8 * 4 * (64 + 64) * 2 + 64 * 64 * 4, ShaderId::conv_coopmat},
#endif
        {ConvFamily::Tiled, "256x64", 256, 64, 256, 8 * 64 * 16, ShaderId::conv_tiled_256x64},
        {ConvFamily::Tiled, "128x64", 128, 64, 128, 8 * 64 * 16, ShaderId::conv_tiled_128x64},
        {ConvFamily::Tiled, "128x32", 128, 32, 128, 8 * 32 * 16, ShaderId::conv_tiled_128x32},
    };
    return tiles;
}

const char* familyName(ConvFamily f) {
    return f == ConvFamily::CoopMat ? "coopmat" : "tiled";
}

ConvChoice chooseGpuConv(const ConvProblem& p, const vk::DeviceTraits& traits) {
    const auto& tiles = gpuConvTiles();
    const int64_t units = traits.computeUnits > 0 ? traits.computeUnits : kDefaultComputeUnits;
    const int64_t wanted = units * kGroupsPerUnit;
    auto usable = [&](const GpuConvTile& t) {
        return t.sharedBytes <= traits.sharedMemoryBytes && (t.family == ConvFamily::Tiled || traits.coopMat);
    };
    ConvChoice c;
    if (!traits.forcedConvTile.empty() && traits.forcedConvTile != "auto") {
        for (const auto& t : tiles)
            if (traits.forcedConvTile == t.name && usable(t)) c.tile = &t;
        if (!c.tile) {
            std::string names;
            for (const auto& t : tiles)
                if (usable(t)) names += (names.empty() ? "" : ", ") + std::string(t.name);
            throw std::invalid_argument("RESVK_CONV_TILE: no tile '" + traits.forcedConvTile + "' on this device (" +
                                        names + " or auto)");
        }
    } else {
        // Tensor cores where the device has them; else the largest plain tile that
        // still launches enough workgroups, down to the smallest.
        for (const auto& t : tiles) {
            if (!usable(t)) continue;
            c.tile = &t;
            if (t.family == ConvFamily::CoopMat) break;
            if (groupsFor(t, p) >= wanted) break;
        }
        if (!c.tile) throw std::logic_error("no GPU convolution tile fits this device's shared memory");
    }

    // Split-K: a layer whose blocks cannot fill the device shares its K loop
    // among several workgroups (layer3/layer4, and every layer at batch 1).
    const int steps = static_cast<int>(ceilDiv(p.kTexels, kTiledK));
    int splits = 1;
    if (traits.splitK) {
        if (traits.forcedSplitK > 0) {
            splits = traits.forcedSplitK;
        } else {
            const int64_t groups = groupsFor(*c.tile, p);
            if (groups < units)
                splits = static_cast<int>(
                    std::min<int64_t>({ceilDiv(wanted, groups), steps / kMinStepsPerSplit, kMaxSplits}));
        }
    }
    splits = std::clamp(splits, 1, std::max(steps, 1));
    const int stepsPerSplit = static_cast<int>(ceilDiv(steps, splits));
    c.kPerSplit = std::max(stepsPerSplit, 1) * kTiledK;
    c.splits = static_cast<int>(ceilDiv(p.kTexels, c.kPerSplit));
    if (c.splits < 1) c.splits = 1;
    return c;
}

}  // namespace resvk::ops
