#version 450
// Max / average pooling, a block of BLOCK_H x BLOCK_W output texels (four
// channels each) per invocation. Neighbouring outputs share input: a 3x3/2
// window reads 45 texels for a 2x4 block where eight separate outputs read 72,
// and the block's index arithmetic (divisions, which lavapipe runs one lane at
// a time) is done once for all of them.
// mode 0: max (padding never wins); mode 1: average; flags bit 0:
// count_include_pad (divide by the taps inside the padded input).
// start[2..3] = pad top/left; step[2..3] = pad bottom/right.
#extension GL_EXT_control_flow_attributes : require
#include "tensor_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int DH = 1;
layout(constant_id = 2) const int DW = 1;
// The window, the strides and the mode are constants of the pipeline, so every
// loop below unrolls into straight-line code with constant array indices: on
// lavapipe a loop with run-time bounds costs more in per-lane bookkeeping than
// the fetches of a 3x3 max pool, and a run-time index into v[] would spill it.
layout(constant_id = 3) const int KH = 1;
layout(constant_id = 4) const int KW = 1;
layout(constant_id = 5) const int MODE = 0;
layout(constant_id = 6) const int SH = 1;
layout(constant_id = 7) const int SW = 1;

// Outputs per invocation, rows x columns (ops::recordPool chooses them).
layout(constant_id = 8) const int BLOCK_H = 2;
layout(constant_id = 9) const int BLOCK_W = 4;
// A single output (1x1) pools tap by tap in plain loops: recordPool picks it for
// windows too large to unroll (a 60x80 window with dilation 10 spans 601 x 821
// texels). Otherwise the rows and columns the block's windows span, unrolled
// (1 when single, so that the unrolled path is empty there).
const bool SINGLE = BLOCK_H * BLOCK_W == 1;
const int ROWS = SINGLE ? 1 : (BLOCK_H - 1) * SH + (KH - 1) * DH + 1;
const int COLS = SINGLE ? 1 : (BLOCK_W - 1) * SW + (KW - 1) * DW + 1;

layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer inTex;

// Whether tap offset d (0 .. span-1) of a window is a tap: a multiple of the dilation.
bool isTap(int d, int taps, int dilation) {
    return d >= 0 && d <= (taps - 1) * dilation && d % dilation == 0;
}

// Taps of a window starting at `origin` that land in [lo, hi).
int tapsWithin(int origin, int taps, int dilation, int lo, int hi) {
    int n = 0;
    for (int k = 0; k < taps; ++k) {
        const int at = origin + k * dilation;
        if (at >= lo && at < hi) ++n;
    }
    return n;
}

void main() {
    const ivec4 outShape = ivec4(pc.outShape[0], pc.outShape[1], pc.outShape[2], pc.outShape[3]);
    const ivec4 inShape = ivec4(pc.inShape[0], pc.inShape[1], pc.inShape[2], pc.inShape[3]);
    // Blocks laid out like texels of a tensor with H / BLOCK_H rows of W / BLOCK_W blocks.
    const ivec4 blockShape =
        ivec4(outShape.x, outShape.y, (outShape.z + BLOCK_H - 1) / BLOCK_H, (outShape.w + BLOCK_W - 1) / BLOCK_W);
    const int index = flatInvocation();
    if (index >= texelCount(blockShape)) return;
    const ivec4 b = texelCoord(blockShape, index);
    const int oy0 = b.z * BLOCK_H, ox0 = b.w * BLOCK_W;
    const int y0 = oy0 * SH - pc.start[2];
    const int x0 = ox0 * SW - pc.start[3];
    const int inBase = texelIndex(inShape, b.x, b.y, 0, 0);

    // Taps outside the picture contribute nothing: -max for max, 0 for the sum.
    // (A branch, not a ?: on the constant: that one, a specialisation-constant
    // expression in SPIR-V, came out as zero on lavapipe; the ops tests catch it.)
    float fill = -3.402823466e38;
    if (MODE == 1) fill = 0.0;
    const vec4 filled = vec4(fill);
    vec4 acc[BLOCK_H][BLOCK_W];
    [[unroll]] for (int i = 0; i < BLOCK_H; ++i)
        [[unroll]] for (int j = 0; j < BLOCK_W; ++j) acc[i][j] = vec4(fill);

    if (SINGLE) {
        for (int ky = 0; ky < KH; ++ky) {
            const int iy = y0 + ky * DH;
            for (int kx = 0; kx < KW; ++kx) {
                const int ix = x0 + kx * DW;
                if (iy >= 0 && iy < inShape.z && ix >= 0 && ix < inShape.w) {
                    const vec4 t = texelFetch(inTex, inBase + iy * inShape.w + ix);
                    acc[0][0] = MODE == 0 ? max(acc[0][0], t) : acc[0][0] + t;
                }
            }
        }
    }
    [[unroll]] for (int r = 0; r < ROWS && !SINGLE; ++r) {
        const int iy = y0 + r;
        const bool rowInside = iy >= 0 && iy < inShape.z;
        vec4 v[COLS];
        [[unroll]] for (int c = 0; c < COLS; ++c) {
            bool used = false;  // a constant: does any output of the block read column c?
            [[unroll]] for (int j = 0; j < BLOCK_W; ++j) used = used || isTap(c - j * SW, KW, DW);
            const int ix = x0 + c;
            // Branch-free (a fetch under a condition is masked code on lavapipe:
            // see tapInput in conv_register_tile.glsl); `used` is a constant.
            const bool inside = rowInside && ix >= 0 && ix < inShape.w;
            const int at = inBase + iy * inShape.w + ix;
            const vec4 texel = used ? texelFetch(inTex, inside ? at : 0) : filled;
            v[c] = inside ? texel : filled;
        }
        [[unroll]] for (int i = 0; i < BLOCK_H; ++i) {
            if (!isTap(r - i * SH, KH, DH)) continue;  // row r is not in output row i's window
            [[unroll]] for (int j = 0; j < BLOCK_W; ++j)
                [[unroll]] for (int kx = 0; kx < KW; ++kx) {
                    const vec4 t = v[j * SW + kx * DW];
                    acc[i][j] = MODE == 0 ? max(acc[i][j], t) : acc[i][j] + t;
                }
        }
    }

    [[unroll]] for (int i = 0; i < BLOCK_H; ++i) {
        const int oy = oy0 + i;
        const int wy = y0 + i * SH;
        const int rowsIn = tapsWithin(wy, KH, DH, 0, inShape.z);
        const int rowsPadded = tapsWithin(wy, KH, DH, -pc.start[2], inShape.z + pc.step[2]);
        [[unroll]] for (int j = 0; j < BLOCK_W; ++j) {
            const int ox = ox0 + j;
            if (oy >= outShape.z || ox >= outShape.w) continue;
            const int wx = x0 + j * SW;
            const int inside = rowsIn * tapsWithin(wx, KW, DW, 0, inShape.w);
            const int padded = rowsPadded * tapsWithin(wx, KW, DW, -pc.start[3], inShape.w + pc.step[3]);
            vec4 o = acc[i][j];
            if (MODE == 1) o /= float(max((pc.flags & 1) != 0 ? padded : inside, 1));
            if (inside == 0) o = vec4(0.0);
            // Keep the lanes past the channel count at zero.
            for (int l = 0; l < 4; ++l)
                if (b.y * 4 + l >= outShape.y) o[l] = 0.0;
            outData[texelIndex(outShape, b.x, b.y, oy, ox)] = store4(o);
        }
    }
}
