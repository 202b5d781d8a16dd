#include "ops/flat_kernel.h"

namespace resvk::ops {

shaders::TensorParams tensorParams(const Shape4& out, const Shape4& in) {
    shaders::TensorParams p{};
    for (int d = 0; d < 4; ++d) {
        p.outShape[d] = out[d];
        p.inShape[d] = in[d];
        p.auxShape[d] = in[d];
        p.step[d] = 1;
        p.perm[d] = d;
    }
    return p;
}

void recordFlat(Recorder& r, shaders::ShaderId shader, const shaders::TensorParams& params, const Tensor& output,
                const std::vector<vk::BufferSlice>& inputs, std::vector<int32_t> extraSpecialization) {
    std::vector<int32_t> spec = {static_cast<int32_t>(r.localSize)};
    spec.insert(spec.end(), extraSpecialization.begin(), extraSpecialization.end());
    vk::KernelKey key{shader, spec, static_cast<uint32_t>(inputs.size()), sizeof params};
    r.dispatch(key, output.slice, inputs, &params, flatGrid(texelCount(output.shape), r.localSize));
}

}  // namespace resvk::ops
