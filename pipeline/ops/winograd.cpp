#include "ops/winograd.h"

namespace resvk::ops {

namespace {

int tilesOf(const Shape4& out) {
    return out[0] * ((out[2] + 1) / 2) * ((out[3] + 1) / 2);
}

// G g G^T for one 3x3 kernel g, with G = [[1,0,0],[.5,.5,.5],[.5,-.5,.5],[0,0,1]].
void transformKernel(const float* g, float u[16]) {
    float gg[4][3];  // G g
    for (int j = 0; j < 3; ++j) {
        gg[0][j] = g[j];
        gg[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
        gg[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
        gg[3][j] = g[6 + j];
    }
    for (int i = 0; i < 4; ++i) {
        u[4 * i + 0] = gg[i][0];
        u[4 * i + 1] = 0.5f * (gg[i][0] + gg[i][1] + gg[i][2]);
        u[4 * i + 2] = 0.5f * (gg[i][0] - gg[i][1] + gg[i][2]);
        u[4 * i + 3] = gg[i][2];
    }
}

}  // namespace

bool winogradApplies(const ConvGeometry& g) {
    return g.group == 1 && g.kernel[0] == 3 && g.kernel[1] == 3 && g.stride[0] == 1 && g.stride[1] == 1 &&
           g.dilation[0] == 1 && g.dilation[1] == 1;
}

bool winogradPreferred(const ConvGeometry& g, const Shape4& in, const Shape4& out) {
    // The transforms move ~4x the activations through memory; with few channels
    // per pixel the GEMM saving does not cover that.
    return winogradApplies(g) && in[1] >= 16 && out[1] >= 16;
}

Shape4 winogradInputScratch(const Shape4& in, const Shape4& out) {
    return {16, in[1], 1, tilesOf(out)};
}

Shape4 winogradOutputScratch(const Shape4& out) {
    return {16, out[1], 1, tilesOf(out)};
}

std::vector<float> packWinogradWeights(const std::vector<float>& w, int outC, int inC) {
    const int inC4 = channelTexels(inC), outRows = channelTexels(outC) * 4;
    const size_t setTexels = size_t(outRows) * inC4;
    std::vector<float> packed(16 * setTexels * 4, 0.0f);
    float u[16];
    for (int co = 0; co < outC; ++co)
        for (int ci = 0; ci < inC; ++ci) {
            transformKernel(&w[(size_t(co) * inC + ci) * 9], u);
            for (int xi = 0; xi < 16; ++xi)
                packed[(xi * setTexels + size_t(co) * inC4 + ci / 4) * 4 + (ci & 3)] = u[xi];
        }
    return packed;
}

void recordWinogradConv(Recorder& r, const ConvGeometry& g, const ConvBindings& b, const Tensor& v, const Tensor& m,
                        bool hasBias, bool relu) {
    const Shape4& in = b.input.shape;
    const Shape4& out = b.output.shape;
    const auto p = convParams(g, in, out, hasBias, b.residual != nullptr, relu);
    const std::vector<int32_t> spec = {static_cast<int32_t>(r.localSize)};
    const int64_t tiles = tilesOf(out);

    vk::KernelKey input{shaders::ShaderId::winograd_input, spec, 1, sizeof p};
    r.dispatch(input, v.slice, {b.input.slice}, &p, flatGrid(tiles * p.inC4, r.localSize));

    // The 16 GEMMs: M[xi] = U[xi] V[xi], a 1x1 convolution per xi over the tiles.
    ConvBindings gemm{v, b.weights, b.bias, nullptr, m};
    const ConvGeometry pointwise;
    recordConv(r, pointwise, chooseConvTile({1, m.shape[1], 1, m.shape[3]}, r), gemm, false, false, 16);

    const vk::BufferSlice residual = b.residual ? b.residual->slice : m.slice;
    vk::KernelKey output{shaders::ShaderId::winograd_output, spec, 3, sizeof p};
    r.dispatch(output, b.output.slice, {m.slice, b.bias, residual}, &p, flatGrid(tiles * p.outC4, r.localSize));
}

}  // namespace resvk::ops
