#pragma once
// Convolution (and Gemm, recorded as a 1x1 convolution over (N, K, 1, 1)).
#include <vector>

#include "conv_params.h"
#include "ops/tensor.h"

namespace resvk::ops {

struct ConvGeometry {
    int kernel[2] = {1, 1};
    int stride[2] = {1, 1};
    int dilation[2] = {1, 1};
    int padBegin[2] = {0, 0};
    int padEnd[2] = {0, 0};
    int group = 1;
};

// Register tile of the implicit-GEMM kernel: output texels x pixels per invocation.
// subgroupWeights: lanes fetch different weight rows and shuffle them (see conv2d.comp).
// channelLanes: neighbouring lanes take neighbouring output channels of the same
// pixels (conv2d_lanes.comp) instead of neighbouring pixels; subgroupInputs: their
// lanes fetch different pixels' inputs and shuffle them (see conv2d_lanes.comp).
struct ConvTile {
    int outTexels = 2;
    int pixels = 4;
    bool subgroupWeights = false;
    bool channelLanes = false;
    bool subgroupInputs = false;
};

// Picks the tile for a layer on a device: output channels across lanes when the
// layer has too few pixels to fill a row (Recorder::channelLanePixels); else
// enough invocations to fill the device first, then the tile with the fewest
// fetches per FMA within 64 accumulators (on lavapipe more cost more stack
// traffic than they save in fetches: bench/README.md), except that the 16-channel
// shared-weight tile takes 5 pixels (80) where that idles fewer lanes.
ConvTile chooseConvTile(const Shape4& out, const Recorder& r, int weightSets = 1);

// Whether a pixel-lane convolution's workgroups walk output channels fastest
// (vk::DeviceTraits::channelsFirstInputBytes, -1: never; always: RESVK_CONV_ORDER=
// channels): where the input one weight set reads is larger than the cache and
// than the output, so that a block of input stays in cache while the weights,
// the smaller operand, stream past.
bool convChannelsFirst(int64_t inputBytes, int64_t outputBytes, int64_t channelsFirstInputBytes, bool always);

// ONNX weights [Cout, Cin/group, KH, KW] in the layout the chosen kernel reads:
// for group 1, texels of four input channels in blocks of `block` output channels
// (vk::DeviceTraits::weightBlock for the register-tiled kernels, 1 for the GPU
// tiles: plain rows); grouped ones as ONNX has them.
std::vector<float> packConvWeights(const std::vector<float>& weights, int outC, int inC, const ConvGeometry& g,
                                   int block = 1);
// Output-channel rows the packed weights hold: whole texels, whole blocks.
int64_t weightRows(int outC, int block);
// Texel of (output channel co, k-th of texelsPerChannel) in that layout.
size_t weightTexel(int co, int64_t k, int64_t texelsPerChannel, int block);
// Bias padded to whole texels (zeros when absent).
std::vector<float> packBias(const std::vector<float>& bias, int outC);

struct ConvBindings {
    Tensor input;
    vk::BufferSlice weights;
    vk::BufferSlice bias;  // packBias() data (always present)
    const Tensor* residual = nullptr;
    Tensor output;
};

// weightSets > 1: the input and output hold that many independent GEMMs in
// their batch dimension, each with its own weights (Winograd's 16).
void recordConv(Recorder& r, const ConvGeometry& g, const ConvTile& tile, const ConvBindings& b, bool hasBias,
                bool relu, int weightSets = 1);

// The EPILOGUE specialisation constant (RESVK_EPILOGUE_* bits) of the kernels
// that finish a convolution's outputs.
int32_t epilogueBits(bool hasBias, bool hasResidual, bool relu);

shaders::ConvParams convParams(const ConvGeometry& g, const Shape4& in, const Shape4& out, bool hasBias,
                               bool hasResidual, bool relu);

}  // namespace resvk::ops
