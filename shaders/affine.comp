#version 450
// Per-channel y = x * scale + shift (a BatchNormalization that could not be
// folded into a convolution), optional ReLU. scale and shift: one texel per c4.
#include "tensor_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer inTex;
layout(binding = 2) uniform samplerBuffer scaleTex;
layout(binding = 3) uniform samplerBuffer shiftTex;

void main() {
    ivec4 outShape = ivec4(pc.outShape[0], pc.outShape[1], pc.outShape[2], pc.outShape[3]);
    int index = flatInvocation();
    if (index >= texelCount(outShape)) return;
    int c4 = texelCoord(outShape, index).y;
    vec4 v = texelFetch(inTex, index) * texelFetch(scaleTex, c4) + texelFetch(shiftTex, c4);
    if (pc.relu != 0) v = max(v, vec4(0.0));
    outData[index] = store4(v);
}
