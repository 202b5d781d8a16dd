#version 450
// Binary elementwise op with numpy broadcasting (both operands already padded to
// rank 4), optional ReLU. mode 0: a + b, 1: a * b, 2: a alone (copy / ReLU).
// flags bit 0: shapes equal, so whole texels are combined without per-lane work.
#include "tensor_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer aTex;
layout(binding = 2) uniform samplerBuffer bTex;

float combine(float a, float b) { return pc.mode == 0 ? a + b : pc.mode == 1 ? a * b : a; }

void main() {
    ivec4 outShape = ivec4(pc.outShape[0], pc.outShape[1], pc.outShape[2], pc.outShape[3]);
    ivec4 aShape = ivec4(pc.inShape[0], pc.inShape[1], pc.inShape[2], pc.inShape[3]);
    ivec4 bShape = ivec4(pc.auxShape[0], pc.auxShape[1], pc.auxShape[2], pc.auxShape[3]);
    int index = flatInvocation();
    if (index >= texelCount(outShape)) return;
    vec4 v;
    if ((pc.flags & 1) != 0) {
        vec4 a = texelFetch(aTex, index);
        vec4 b = texelFetch(bTex, index);
        v = pc.mode == 0 ? a + b : pc.mode == 1 ? a * b : a;
    } else {
        ivec4 c = texelCoord(outShape, index);
        for (int l = 0; l < 4; ++l) {
            int ch = c.y * 4 + l;
            if (ch >= outShape.y) {
                v[l] = 0.0;
                continue;
            }
            ivec4 e = ivec4(c.x, ch, c.z, c.w);
            float a = fetchScalar(aTex, aShape, min(e, aShape - 1));
            float b = pc.mode == 2 ? 0.0 : fetchScalar(bTex, bShape, min(e, bShape - 1));
            v[l] = combine(a, b);
        }
    }
    if (pc.relu != 0) v = max(v, vec4(0.0));
    outData[index] = store4(v);
}
