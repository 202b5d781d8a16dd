#version 450
// Grouped / depthwise convolution, one output texel per invocation, scalar
// taps. Not on the ResNet hot path; kept simple and exact. Weights are the
// ONNX [Cout, Cin/groups, KH, KW] array read four floats per texel.
#include "conv_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int KH = 3;
layout(constant_id = 2) const int KW = 3;
layout(constant_id = 3) const int SH = 1;
layout(constant_id = 4) const int SW = 1;
layout(constant_id = 5) const int DH = 1;
layout(constant_id = 6) const int DW = 1;

layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer inTex;
layout(binding = 2) uniform samplerBuffer weightTex;
layout(binding = 3) uniform samplerBuffer biasTex;
layout(binding = 4) uniform samplerBuffer residualTex;

float weightAt(int i) { return texelFetch(weightTex, i >> 2)[i & 3]; }

void main() {
    ivec4 outShape = ivec4(pc.batch, pc.outC, pc.outH, pc.outW);
    ivec4 inShape = ivec4(pc.batch, pc.inC, pc.inH, pc.inW);
    int index = flatInvocation();
    if (index >= texelCount(outShape)) return;
    ivec4 c = texelCoord(outShape, index);
    int inPerGroup = pc.inC / pc.groups;
    int outPerGroup = pc.outC / pc.groups;
    vec4 v = pc.hasBias != 0 ? texelFetch(biasTex, c.y) : vec4(0.0);
    for (int l = 0; l < 4; ++l) {
        int co = c.y * 4 + l;
        if (co >= pc.outC) {
            v[l] = 0.0;
            continue;
        }
        int g = co / outPerGroup;
        float acc = 0.0;
        for (int ci = 0; ci < inPerGroup; ++ci) {
            for (int ky = 0; ky < KH; ++ky) {
                int iy = c.z * SH - pc.padTop + ky * DH;
                if (iy < 0 || iy >= pc.inH) continue;
                for (int kx = 0; kx < KW; ++kx) {
                    int ix = c.w * SW - pc.padLeft + kx * DW;
                    if (ix < 0 || ix >= pc.inW) continue;
                    float x = fetchScalar(inTex, inShape, ivec4(c.x, g * inPerGroup + ci, iy, ix));
                    acc += x * weightAt(((co * inPerGroup + ci) * KH + ky) * KW + kx);
                }
            }
        }
        v[l] += acc;
    }
    if (pc.hasResidual != 0) v += texelFetch(residualTex, index);
    if (pc.relu != 0) v = max(v, vec4(0.0));
    outData[index] = store4(v);
}
