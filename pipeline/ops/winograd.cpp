#include "ops/winograd.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace resvk::ops {

namespace {

int tilesOf(const Shape4& out, int m) {
    return out[0] * ((out[2] + m - 1) / m) * ((out[3] + m - 1) / m);
}

int setsOf(int m) {
    return (m + 2) * (m + 2);
}

// Records a transform (one invocation per tile and channel texel: grid x the
// tiles, a workgroup width at a time, grid y the channel texels; with at most
// half a workgroup of tiles, several channel texels per workgroup instead:
// winograd_place.glsl), from a queue
// where the recorder queues (Recorder::tileQueue). A queued workgroup loops over
// its tiles within kQueuedLoopIterations. lavapipe unrolls the transforms' own
// loops (with one lavapipe thread and no limit, one workgroup computed all 784
// tiles of a 2x64x56x56 layer right), but left as loops they would take 84
// iterations per tile: 128 per tile is safe whatever the compiler unrolls.
constexpr int64_t kTransformIterationsPerTile = 128;

void recordTransform(Recorder& r, shaders::ShaderId fixed, shaders::ShaderId queued, std::vector<int32_t> spec,
                     uint32_t inputs, const shaders::ConvParams& p, const vk::BufferSlice& output,
                     const std::vector<vk::BufferSlice>& from, int64_t tiles, int channelTexels) {
    // The kernels place a tile by dividing its index in float arithmetic
    // (divMod in tensor.glsl: lavapipe divides integers lane by lane), exact
    // below 2^22 tiles; past 65535 workgroups of tiles the rest go along z.
    const int64_t groups = (tiles + r.localSize - 1) / r.localSize;
    const int64_t groupsX = std::min<int64_t>(groups, 65535);
    if (tiles >= (int64_t(1) << 22) || channelTexels > 65535)
        throw std::runtime_error("Winograd convolution too large for one dispatch: " + std::to_string(tiles) +
                                 " tiles of " + std::to_string(channelTexels) + " channel texels");
    // CHANNELS_PER_GROUP (constant_id 2, after the local size and the output's epilogue).
    const int64_t channelsPerGroup = 2 * tiles <= int64_t(r.localSize) ? int64_t(r.localSize) / tiles : 1;
    spec.resize(3, 0);
    spec[2] = static_cast<int32_t>(channelsPerGroup);
    vk::KernelKey key{r.tileQueue ? queued : fixed, std::move(spec), inputs, sizeof p};
    if (r.tileQueue) {
        key.requiredSubgroupSize = r.sharedWeightsSubgroup;
        key.tileQueue = true;
    }
    const uint32_t tileLimit =
        r.tileQueue ? static_cast<uint32_t>(kQueuedLoopIterations / kTransformIterationsPerTile) : 0;
    const int64_t channelGroups = (channelTexels + channelsPerGroup - 1) / channelsPerGroup;
    r.dispatch(key, output, from, &p,
               {static_cast<uint32_t>(groupsX), static_cast<uint32_t>(channelGroups),
                static_cast<uint32_t>((groups + groupsX - 1) / groupsX)},
               tileLimit);
}

// The kernel transform G (alpha x 3) of F(m, 3), row-major.
const float kG2[4][3] = {{1, 0, 0}, {.5f, .5f, .5f}, {.5f, -.5f, .5f}, {0, 0, 1}};
const float kG4[6][3] = {{1 / 4.f, 0, 0},
                         {-1 / 6.f, -1 / 6.f, -1 / 6.f},
                         {-1 / 6.f, 1 / 6.f, -1 / 6.f},
                         {1 / 24.f, 1 / 12.f, 1 / 6.f},
                         {1 / 24.f, -1 / 12.f, 1 / 6.f},
                         {0, 0, 1}};

// u = G g G^T for one 3x3 kernel g; u is alpha x alpha, row-major.
void transformKernel(const float* g, int m, float* u) {
    const int alpha = m + 2;
    const float* G = m == 2 ? &kG2[0][0] : &kG4[0][0];
    float gg[6][3];  // G g
    for (int i = 0; i < alpha; ++i)
        for (int j = 0; j < 3; ++j)
            gg[i][j] = double(G[i * 3]) * g[j] + double(G[i * 3 + 1]) * g[3 + j] + double(G[i * 3 + 2]) * g[6 + j];
    for (int i = 0; i < alpha; ++i)
        for (int k = 0; k < alpha; ++k)
            u[i * alpha + k] = double(gg[i][0]) * G[k * 3] + double(gg[i][1]) * G[k * 3 + 1] +
                               double(gg[i][2]) * G[k * 3 + 2];
}

}  // namespace

bool winogradApplies(const ConvGeometry& g) {
    return g.group == 1 && g.kernel[0] == 3 && g.kernel[1] == 3 && g.stride[0] == 1 && g.stride[1] == 1 &&
           g.dilation[0] == 1 && g.dilation[1] == 1;
}

int winogradTile(const ConvGeometry& g, const Shape4& in, const Shape4& out, int maxTile) {
    // The transforms move ~4x the activations through memory; with few channels
    // per pixel the GEMM saving does not cover that.
    if (maxTile < 2 || !winogradApplies(g) || in[1] < 16 || out[1] < 16) return 0;
    if (maxTile < 4) return 2;
    // F(4x4) wins when the padded 4x4 tiles waste little: multiplies per real
    // output, (36 * tiles) / pixels, against F(2x2)'s (16 * tiles) / pixels.
    const double pixels = double(out[2]) * out[3];
    const double f4 = 36.0 * tilesOf({1, 1, out[2], out[3]}, 4) / pixels;
    const double f2 = 16.0 * tilesOf({1, 1, out[2], out[3]}, 2) / pixels;
    // Per image, so that a picture gets the same numbers in any batch. A 7x7
    // output takes F(4x4) too, although its GEMM at batch 1 uses each of the 36
    // weight sets for 4 tiles only: F(2x2)'s 1.8x more multiplies cost more than
    // the fetches (bench/README.md, 2026-12-07 evening).
    return f4 < f2 ? 4 : 2;
}

Shape4 winogradInputScratch(const Shape4& in, const Shape4& out, int tile) {
    return {setsOf(tile), in[1], 1, tilesOf(out, tile)};
}

Shape4 winogradOutputScratch(const Shape4& out, int tile) {
    return {setsOf(tile), out[1], 1, tilesOf(out, tile)};
}

std::vector<float> packWinogradWeights(const std::vector<float>& w, int outC, int inC, int tile, int block) {
    if (tile != 2 && tile != 4) throw std::logic_error("Winograd tile must be 2 or 4");
    const int sets = setsOf(tile);
    const int inC4 = channelTexels(inC);
    const size_t setTexels = size_t(weightRows(outC, block)) * inC4;
    std::vector<float> packed(sets * setTexels * 4, 0.0f);
    float u[36];
    for (int co = 0; co < outC; ++co)
        for (int ci = 0; ci < inC; ++ci) {
            transformKernel(&w[(size_t(co) * inC + ci) * 9], tile, u);
            for (int xi = 0; xi < sets; ++xi)
                packed[(xi * setTexels + weightTexel(co, ci / 4, inC4, block)) * 4 + (ci & 3)] = u[xi];
        }
    return packed;
}

void recordWinogradConv(Recorder& r, const ConvGeometry& g, const ConvBindings& b, const Tensor& v, const Tensor& m,
                        bool hasBias, bool relu, int tile) {
    const Shape4& in = b.input.shape;
    const Shape4& out = b.output.shape;
    const auto p = convParams(g, in, out, hasBias, b.residual != nullptr, relu);
    const std::vector<int32_t> spec = {static_cast<int32_t>(r.localSize)};
    const int64_t tiles = tilesOf(out, tile);
    using shaders::ShaderId;
    const bool f4 = tile == 4;

    recordTransform(r, f4 ? ShaderId::winograd4_input : ShaderId::winograd_input,
                    f4 ? ShaderId::winograd4_input_q : ShaderId::winograd_input_q, spec, 1, p, v.slice, {b.input.slice},
                    tiles, p.inC4);

    // The GEMMs: M[xi] = U[xi] V[xi], a 1x1 convolution per xi over the tiles.
    ConvBindings gemm{v, b.weights, b.bias, nullptr, m};
    const ConvGeometry pointwise;
    const ConvTile gemmTile = chooseConvTile({1, m.shape[1], 1, m.shape[3]}, r, setsOf(tile));
    recordConv(r, pointwise, gemmTile, gemm, false, false, setsOf(tile));

    const vk::BufferSlice residual = b.residual ? b.residual->slice : m.slice;
    const std::vector<int32_t> outputSpec = {spec[0], epilogueBits(hasBias, b.residual != nullptr, relu)};
    recordTransform(r, f4 ? ShaderId::winograd4_output : ShaderId::winograd_output,
                    f4 ? ShaderId::winograd4_output_q : ShaderId::winograd_output_q, outputSpec, 3, p, b.output.slice,
                    {m.slice, b.bias, residual}, tiles, p.outC4);
}

}  // namespace resvk::ops
