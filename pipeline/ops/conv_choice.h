#pragma once
// Which kernel, block tile and split run a group-1 convolution on the GPU
// profile: the one table of the GPU convolution kernels and the one rule that
// picks from it, from the device's traits (shared memory, compute units, the
// cooperative-matrix support) and the layer's GEMM size. Pure: tests call it
// with made-up traits; the plan calls it once per layer.
#include <cstdint>
#include <string>
#include <vector>

#include "shader_id.h"
#include "vk/device_traits.h"

namespace resvk::ops {

enum class ConvFamily { Tiled, CoopMat };

// One kernel of the table: a block of bm pixels x bn output channels.
struct GpuConvTile {
    ConvFamily family;
    const char* name;  // "128x64", what RESVK_CONV_TILE takes
    int bm, bn;
    uint32_t threads;      // invocations per workgroup
    uint32_t sharedBytes;  // shared memory the kernel declares
    shaders::ShaderId shader;
};

// Every GPU convolution kernel of this build (coopmat only where compiled in).
const std::vector<GpuConvTile>& gpuConvTiles();

// The implicit GEMM: pixels = batch * outH * outW, output texel-channels, and
// K in texels (input texel-channels x kernel taps).
struct ConvProblem {
    int64_t pixels = 0;
    int outC4 = 0;
    int kTexels = 0;
};

constexpr int kTiledK = 8;  // K texels per shared-memory step of every GPU kernel

struct ConvChoice {
    const GpuConvTile* tile = nullptr;
    int splits = 1;     // workgroups along K; > 1: partial sums + conv_split_reduce
    int kPerSplit = 0;  // K texels per split, a multiple of kTiledK
};

// Throws std::invalid_argument when DeviceTraits::forcedConvTile names no tile.
ConvChoice chooseGpuConv(const ConvProblem& problem, const vk::DeviceTraits& traits);

// "tiled" / "coopmat".
const char* familyName(ConvFamily f);

}  // namespace resvk::ops
