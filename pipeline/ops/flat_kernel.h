#pragma once
// The kernels that write one output texel per invocation share their push
// constants (TensorParams) and launch shape; this records one of them.
#include <vector>

#include "ops/tensor.h"
#include "tensor_params.h"

namespace resvk::ops {

shaders::TensorParams tensorParams(const Shape4& out, const Shape4& in);

void recordFlat(Recorder& r, shaders::ShaderId shader, const shaders::TensorParams& params, const Tensor& output,
                const std::vector<vk::BufferSlice>& inputs, std::vector<int32_t> extraSpecialization = {});

}  // namespace resvk::ops
