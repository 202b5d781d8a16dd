#version 450
// Split-K's second half: one invocation per output texel adds the partial sums
// of every split in split order (the same order on every run: deterministic),
// then bias, residual and ReLU, as the one-split kernels do.
// Bindings: 0 out, 1 partial sums (split s at s * outTexels), 2 bias, 3 residual.
#include "conv_tiled_params.h"
#include "precision.glsl"

layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(binding = 1) uniform samplerBuffer partialTex;
layout(binding = 2) uniform samplerBuffer biasTex;
layout(binding = 3) uniform samplerBuffer residualTex;

void main() {
    const int index = flatInvocation();
    if (index >= pc.outTexels) return;
    vec4 v = vec4(0.0);
    for (int s = 0; s < pc.splits; ++s) v += texelFetch(partialTex, s * pc.outTexels + index);
    const int co4 = (index / (pc.outH * pc.outW)) % pc.outC4;
    if (pc.hasBias != 0) v += texelFetch(biasTex, co4);
    if (pc.hasResidual != 0) v += texelFetch(residualTex, index);
    if (pc.relu != 0) v = max(v, vec4(0.0));
    outData[index] = store4(v);
}
