#version 450
// Convolution (group 1) for GPUs as a shared-memory tiled implicit GEMM. A
// workgroup computes a block of BM output pixels x BN output channels: per step
// it stages BK texels of K (input texel-channels x kernel taps) of the input
// and the weights in shared memory, with neighbouring invocations loading
// neighbouring addresses (pixels along x; weights along K), then every
// invocation multiplies TM pixels x one output texel (4 channels) out of
// shared memory. Pixels run over batch * outH * outW.
//
// Split-K (gl_WorkGroupID.z = split): each split sums its own K range; with
// PARTIAL the raw sums go to split * outTexels + index of the output binding
// (conv_store.glsl) and conv_split_reduce.comp adds them in split order (deterministic, no
// atomics) and applies bias, residual and ReLU. Without PARTIAL (one split) this
// kernel applies them itself.
// Bindings: 0 out, 1 input, 2 weights (conv2d.comp's packing), 3 bias, 4 residual.
#include "conv_tiled_params.h"
#include "precision.glsl"

layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };

#ifndef BM
#define BM 64
#endif
#ifndef BN
#define BN 64
#endif
#ifndef TM
#define TM 4
#endif
#define BK 8
#define BN4 (BN / 4)
#define THREADS_M (BM / TM)
#define THREADS (THREADS_M * BN4)
// Each invocation stages a fixed pixel of the block (THREADS is a multiple of BM)
// for A_ROWS K rows, and A_ROWS / B entries of the weight block.
#define A_STEP (THREADS / BM)
#define A_ROWS (BK / A_STEP)
#define B_LOADS (BK * BN / THREADS)
#if THREADS % BM != 0 || BK % A_STEP != 0 || (BK * BN) % THREADS != 0
#error "tile does not divide evenly among the invocations"
#endif

layout(local_size_x = THREADS) in;
layout(constant_id = 1) const int KH = 3;
layout(constant_id = 2) const int KW = 3;
layout(constant_id = 3) const int SH = 1;
layout(constant_id = 4) const int SW = 1;
layout(constant_id = 5) const int DH = 1;
layout(constant_id = 6) const int DW = 1;
layout(constant_id = 7) const int PADDED = 1;   // 0: every tap is inside the image
layout(constant_id = 8) const int PARTIAL = 0;  // 1: raw sums of this split (split-K)

layout(binding = 1) uniform samplerBuffer inTex;
layout(binding = 2) uniform samplerBuffer weightTex;
layout(binding = 3) uniform samplerBuffer biasTex;
layout(binding = 4) uniform samplerBuffer residualTex;

#include "conv_store.glsl"

shared vec4 tileX[BK][BM];  // input texels: K row x pixel
shared vec4 tileW[BK][BN];  // weight texels: K row x output channel

void main() {
    const int tid = int(gl_LocalInvocationID.x);
    const int tm = tid % THREADS_M;  // pixels tm, tm + THREADS_M, ...
    const int tn = tid / THREADS_M;  // output texel of the block
    const int m0 = int(gl_WorkGroupID.x) * BM;
    const int n0 = int(gl_WorkGroupID.y) * BN;
    const int split = int(gl_WorkGroupID.z);
    const int kBegin = split * pc.kPerSplit;
    const int kEnd = min(pc.kTexels, kBegin + pc.kPerSplit);
    const int outPlane = pc.outH * pc.outW;
    const int pixels = pc.batch * outPlane;
    const int inPlane = pc.inH * pc.inW;
    const int taps = KH * KW;

    // The pixel this invocation stages, and where its window starts.
    const int loadPixel = m0 + tid % BM;
    const bool pixelInside = loadPixel < pixels;
    int iy0, ix0, base;
    {
        const int q = min(loadPixel, pixels - 1);
        const int n = q / outPlane;
        const int r = q - n * outPlane;
        const int oy = r / pc.outW;
        const int ox = r - oy * pc.outW;
        iy0 = oy * SH - pc.padTop;
        ix0 = ox * SW - pc.padLeft;
        base = n * pc.inC4 * inPlane + iy0 * pc.inW + ix0;
    }
    const int outRows = pc.outC4 * 4;

    vec4 acc[TM];  // acc[i][j]: pixel tm + i * THREADS_M, channel n0 + 4 * tn + j
    for (int i = 0; i < TM; ++i) acc[i] = vec4(0.0);

    for (int k0 = kBegin; k0 < kEnd; k0 += BK) {
        for (int a = 0; a < A_ROWS; ++a) {
            const int row = tid / BM + a * A_STEP;
            const int k = k0 + row;
            vec4 x = vec4(0.0);
            if (pixelInside && k < kEnd) {
                const int ci4 = k / taps;
                const int t = k - ci4 * taps;
                const int ky = t / KW;
                const int kx = t - ky * KW;
                const int iy = iy0 + ky * DH;
                const int ix = ix0 + kx * DW;
                const bool inside = PADDED == 0 || (iy >= 0 && iy < pc.inH && ix >= 0 && ix < pc.inW);
                if (inside) x = texelFetch(inTex, base + ci4 * inPlane + ky * DH * pc.inW + kx * DW);
            }
            tileX[row][tid % BM] = x;
        }
        for (int b = 0; b < B_LOADS; ++b) {
            const int e = tid + b * THREADS;
            const int row = e % BK;  // consecutive invocations: consecutive K of one channel
            const int col = e / BK;
            const int k = k0 + row;
            const int co = n0 + col;
            tileW[row][col] = (k < kEnd && co < outRows) ? texelFetch(weightTex, co * pc.kTexels + k) : vec4(0.0);
        }
        barrier();
        for (int row = 0; row < BK; ++row) {
            const vec4 w0 = tileW[row][tn * 4];
            const vec4 w1 = tileW[row][tn * 4 + 1];
            const vec4 w2 = tileW[row][tn * 4 + 2];
            const vec4 w3 = tileW[row][tn * 4 + 3];
            for (int i = 0; i < TM; ++i) {
                const vec4 x = tileX[row][tm + i * THREADS_M];
                acc[i] += vec4(dot(x, w0), dot(x, w1), dot(x, w2), dot(x, w3));
            }
        }
        barrier();
    }

    const int co4 = n0 / 4 + tn;
    if (co4 >= pc.outC4) return;
    for (int i = 0; i < TM; ++i) {
        const int q = m0 + tm + i * THREADS_M;
        if (q < pixels) storeConvTexel(split, q, co4, acc[i]);
    }
}
