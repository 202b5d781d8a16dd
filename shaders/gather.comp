#version 450
// Data movement, one output texel per invocation, each lane finding its source:
// mode 0 (Slice, Pad, Concat part): src[d] = start[d] + out[d] * step[d]; a source
//        outside the input gives `value`, or keeps the output (flags bit 0, so
//        Concat can fill one output from several inputs);
// mode 1 (Reshape/Flatten): same row-major position in the input;
// mode 2 (Transpose): src[perm[d]] = out[d].
#include "tensor_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer inTex;

ivec4 sourceOf(ivec4 e, ivec4 outShape, ivec4 inShape) {
    if (pc.mode == 0) {
        return ivec4(pc.start[0], pc.start[1], pc.start[2], pc.start[3]) +
               e * ivec4(pc.step[0], pc.step[1], pc.step[2], pc.step[3]);
    }
    if (pc.mode == 1) {
        int linear = ((e.x * outShape.y + e.y) * outShape.z + e.z) * outShape.w + e.w;
        ivec4 s;
        s.w = linear % inShape.w;
        linear /= inShape.w;
        s.z = linear % inShape.z;
        linear /= inShape.z;
        s.y = linear % inShape.y;
        s.x = linear / inShape.y;
        return s;
    }
    ivec4 s;
    for (int d = 0; d < 4; ++d) s[pc.perm[d]] = e[d];
    return s;
}

void main() {
    ivec4 outShape = ivec4(pc.outShape[0], pc.outShape[1], pc.outShape[2], pc.outShape[3]);
    ivec4 inShape = ivec4(pc.inShape[0], pc.inShape[1], pc.inShape[2], pc.inShape[3]);
    int index = flatInvocation();
    if (index >= texelCount(outShape)) return;
    ivec4 c = texelCoord(outShape, index);
    bool preserve = (pc.flags & 1) != 0;
    vec4 v = preserve ? vec4(outData[index]) : vec4(0.0);
    for (int l = 0; l < 4; ++l) {
        int ch = c.y * 4 + l;
        if (ch >= outShape.y) {
            v[l] = 0.0;
            continue;
        }
        ivec4 s = sourceOf(ivec4(c.x, ch, c.z, c.w), outShape, inShape);
        bool inside = all(greaterThanEqual(s, ivec4(0))) && all(lessThan(s, inShape));
        if (inside)
            v[l] = fetchScalar(inTex, inShape, s);
        else if (!preserve)
            v[l] = pc.value;
    }
    outData[index] = store4(v);
}
