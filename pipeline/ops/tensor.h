#pragma once
// GPU tensors as the kernels see them: a buffer slice holding a 4-D (N, C, H, W)
// view in the pack4 layout (see shaders/include/tensor.glsl). Lower ranks append
// trailing 1s, which keeps row-major order, so [N, K] becomes (N, K, 1, 1).
#include <array>
#include <cstdint>
#include <vector>

#include "vk/buffer.h"
#include "vk/command_stream.h"

namespace resvk::ops {

using Shape4 = std::array<int, 4>;

Shape4 view4(const std::vector<int64_t>& shape);
int channelTexels(int channels);      // ceil(C / 4)
int64_t texelCount(const Shape4& s);  // N * ceil(C/4) * H * W
int64_t packedBytes(const Shape4& s);

struct Tensor {
    vk::BufferSlice slice;
    Shape4 shape{1, 1, 1, 1};
};

// Host NCHW floats <-> pack4 texels (padding lanes zero).
std::vector<float> pack4(const float* nchw, const Shape4& shape);
void unpack4(const float* packed, const Shape4& shape, float* nchw);

// What every op needs to record: the stream, the device's preferred workgroup
// width (one SIMD row = one subgroup on lavapipe, 64 on real GPUs) and whether
// kernels may share fetched data across a subgroup (see conv2d.comp).
struct Recorder {
    vk::CommandStream& stream;
    uint32_t localSize = 64;
    uint32_t shuffleSubgroupSize = 0;  // 0: no subgroup sharing
    bool cpuDevice = false;            // lavapipe-like: few wide threads, costly fetches
};

// Workgroups for `invocations` one-dimensional invocations, folded into a 2-D
// grid because a grid dimension may be capped at 65535 groups.
std::array<uint32_t, 3> flatGrid(int64_t invocations, uint32_t localSize);

}  // namespace resvk::ops
