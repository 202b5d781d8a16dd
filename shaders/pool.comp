#version 450
// Max / average pooling, one output texel (four channels) per invocation.
// mode 0: max (padding never wins); mode 1: average; flags bit 0:
// count_include_pad (divide by the taps inside the padded input).
// perm = kernel h, w (also the KH/KW constants), stride h, w; start[2..3] = pad top/left; step[2..3] = pad bottom/right.
#include "tensor_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int DH = 1;
layout(constant_id = 2) const int DW = 1;
// The window and the mode are constants of the pipeline, so the tap loops unroll
// into straight-line code: on lavapipe a loop with run-time bounds costs more in
// per-lane loop bookkeeping than the 9 fetches of a 3x3 max pool.
layout(constant_id = 3) const int KH = 1;
layout(constant_id = 4) const int KW = 1;
layout(constant_id = 5) const int MODE = 0;

layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer inTex;

void main() {
    ivec4 outShape = ivec4(pc.outShape[0], pc.outShape[1], pc.outShape[2], pc.outShape[3]);
    ivec4 inShape = ivec4(pc.inShape[0], pc.inShape[1], pc.inShape[2], pc.inShape[3]);
    int index = flatInvocation();
    if (index >= texelCount(outShape)) return;
    ivec4 c = texelCoord(outShape, index);
    int y0 = c.z * pc.perm[2] - pc.start[2];
    int x0 = c.w * pc.perm[3] - pc.start[3];
    int inBase = texelIndex(inShape, c.x, c.y, 0, 0);
    // A branch, not a vec4 ?: on the constant: that one (a specialisation-constant
    // expression in SPIR-V) came out as zero on lavapipe, and MaxPool of an
    // all-negative window returned 0 (the ops tests caught it).
    vec4 acc = vec4(0.0);
    if (MODE == 0) acc = vec4(-3.402823466e38);
    int inside = 0;
    int padded = 0;
    for (int ky = 0; ky < KH; ++ky) {
        int iy = y0 + ky * DH;
        for (int kx = 0; kx < KW; ++kx) {
            int ix = x0 + kx * DW;
            if (MODE == 1 && iy >= -pc.start[2] && iy < inShape.z + pc.step[2] && ix >= -pc.start[3] &&
                ix < inShape.w + pc.step[3])
                ++padded;
            if (iy >= 0 && iy < inShape.z && ix >= 0 && ix < inShape.w) {
                vec4 v = texelFetch(inTex, inBase + iy * inShape.w + ix);
                acc = MODE == 0 ? max(acc, v) : acc + v;
                ++inside;
            }
        }
    }
    if (MODE == 1) acc /= float(max((pc.flags & 1) != 0 ? padded : inside, 1));
    if (inside == 0) acc = vec4(0.0);
    // Keep the lanes past the channel count at zero.
    for (int l = 0; l < 4; ++l)
        if (c.y * 4 + l >= outShape.y) acc[l] = 0.0;
    outData[index] = store4(acc);
}
