#version 450
// Softmax along one axis (mode = 0..3 of the 4-D view), one output texel per
// invocation; each lane scans its own row (rows are short: classes).
#include "tensor_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer inTex;

void main() {
    ivec4 shape = ivec4(pc.outShape[0], pc.outShape[1], pc.outShape[2], pc.outShape[3]);
    int index = flatInvocation();
    if (index >= texelCount(shape)) return;
    ivec4 c = texelCoord(shape, index);
    int axis = pc.mode;
    int len = shape[axis];
    vec4 v = vec4(0.0);
    for (int l = 0; l < 4; ++l) {
        ivec4 e = ivec4(c.x, c.y * 4 + l, c.z, c.w);
        if (e.y >= shape.y) continue;
        ivec4 r = e;
        float peak = -3.402823466e38;
        for (int i = 0; i < len; ++i) {
            r[axis] = i;
            peak = max(peak, fetchScalar(inTex, shape, r));
        }
        float sum = 0.0;
        for (int i = 0; i < len; ++i) {
            r[axis] = i;
            sum += exp(fetchScalar(inTex, shape, r) - peak);
        }
        v[l] = exp(fetchScalar(inTex, shape, e) - peak) / sum;
    }
    outData[index] = store4(v);
}
