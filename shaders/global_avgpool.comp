#version 450
// Mean over H x W, one output texel (four channels of one image) per invocation.
#include "tensor_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer inTex;

void main() {
    ivec4 outShape = ivec4(pc.outShape[0], pc.outShape[1], pc.outShape[2], pc.outShape[3]);
    ivec4 inShape = ivec4(pc.inShape[0], pc.inShape[1], pc.inShape[2], pc.inShape[3]);
    int index = flatInvocation();
    if (index >= texelCount(outShape)) return;
    ivec4 c = texelCoord(outShape, index);
    int plane = inShape.z * inShape.w;
    int base = texelIndex(inShape, c.x, c.y, 0, 0);
    vec4 acc = vec4(0.0);
    for (int i = 0; i < plane; ++i) acc += texelFetch(inTex, base + i);
    outData[index] = store4(acc / float(plane));
}
