#version 450
// Convolution (group 1) for GPUs as a shared-memory tiled implicit GEMM. A
// workgroup computes a block of BM output pixels x BN output channels, one
// invocation per pixel (TM pixels each when TM > 1) and all BN channels of it.
// Per step the workgroup stages BK texels of K (input texel-channels x kernel
// taps) of the block's weights in shared memory, neighbouring invocations
// loading neighbouring K of one channel; each invocation then reads its own
// input texels (neighbouring invocations: neighbouring pixels, so the loads
// coalesce) and multiplies them with the staged weights. Every invocation reads
// the same weight addresses at the same time, so those are broadcasts: free of
// bank conflicts on GPUs, and single loads on lavapipe, where a load of a
// per-lane shared address is a loop over the lanes. Pixels run over batch *
// outH * outW.
//
// Split-K (gl_WorkGroupID.z = split): each split sums its own K range; with
// PARTIAL the raw sums go to split * outTexels + index of the output binding
// (conv_store.glsl) and conv_split_reduce.comp adds them in split order
// (deterministic, no atomics) and applies bias, residual and ReLU. Without
// PARTIAL (one split) this kernel applies them itself.
// Bindings: 0 out, 1 input, 2 weights (conv2d.comp's packing), 3 bias, 4 residual.
#include "conv_tiled_params.h"
#include "precision.glsl"

layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };

#ifndef BM
#define BM 256
#endif
#ifndef BN
#define BN 64
#endif
#ifndef TM
#define TM 1
#endif
#define BK 8
#define BN4 (BN / 4)
#define THREADS (BM / TM)
#define W_LOADS (BK * BN / THREADS)  // weight texels each invocation stages per step
#if (BK * BN) % THREADS != 0
#error "the weight block does not divide evenly among the invocations"
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

shared vec4 tileW[BK][BN];  // weight texels: K row x output channel

void main() {
    const int tid = int(gl_LocalInvocationID.x);
    const int m0 = int(gl_WorkGroupID.x) * BM;
    const int n0 = int(gl_WorkGroupID.y) * BN;
    const int split = int(gl_WorkGroupID.z);
    const int kBegin = split * pc.kPerSplit;
    const int kEnd = min(pc.kTexels, kBegin + pc.kPerSplit);
    const int outPlane = pc.outH * pc.outW;
    const int pixels = pc.batch * outPlane;
    const int inPlane = pc.inH * pc.inW;
    const int taps = KH * KW;
    const int outRows = pc.outC4 * 4;

    // This invocation's pixels (tid, tid + THREADS, ...) and where their windows start.
    int iy0[TM], ix0[TM], base[TM];
    for (int i = 0; i < TM; ++i) {
        const int q = min(m0 + tid + i * THREADS, pixels - 1);  // past the end: computed, not stored
        const int n = q / outPlane;
        const int r = q - n * outPlane;
        const int oy = r / pc.outW;
        const int ox = r - oy * pc.outW;
        iy0[i] = oy * SH - pc.padTop;
        ix0[i] = ox * SW - pc.padLeft;
        base[i] = n * pc.inC4 * inPlane + iy0[i] * pc.inW + ix0[i];
    }

    vec4 acc[TM][BN4];  // acc[i][t][j]: pixel i, channel n0 + 4 * t + j
    for (int i = 0; i < TM; ++i)
        for (int t = 0; t < BN4; ++t) acc[i][t] = vec4(0.0);

    for (int k0 = kBegin; k0 < kEnd; k0 += BK) {
        for (int b = 0; b < W_LOADS; ++b) {
            const int e = tid + b * THREADS;
            const int row = e % BK;  // consecutive invocations: consecutive K of one channel
            const int col = e / BK;
            const int k = k0 + row;
            const int co = n0 + col;
            tileW[row][col] = (k < kEnd && co < outRows) ? texelFetch(weightTex, co * pc.kTexels + k) : vec4(0.0);
        }
        barrier();
        for (int row = 0; row < BK; ++row) {
            const int k = k0 + row;
            if (k >= kEnd) break;  // the same for the whole workgroup
            const int ci4 = k / taps;
            const int t = k - ci4 * taps;
            const int ky = t / KW;
            const int kx = t - ky * KW;
            const int offset = ci4 * inPlane + ky * DH * pc.inW + kx * DW;
            vec4 x[TM];
            for (int i = 0; i < TM; ++i) {
                const int iy = iy0[i] + ky * DH;
                const int ix = ix0[i] + kx * DW;
                const bool inside = PADDED == 0 || (iy >= 0 && iy < pc.inH && ix >= 0 && ix < pc.inW);
                x[i] = inside ? texelFetch(inTex, base[i] + offset) : vec4(0.0);
            }
            for (int c = 0; c < BN4; ++c) {
                const vec4 w0 = tileW[row][c * 4];
                const vec4 w1 = tileW[row][c * 4 + 1];
                const vec4 w2 = tileW[row][c * 4 + 2];
                const vec4 w3 = tileW[row][c * 4 + 3];
                for (int i = 0; i < TM; ++i) acc[i][c] += vec4(dot(x[i], w0), dot(x[i], w1), dot(x[i], w2), dot(x[i], w3));
            }
        }
        barrier();
    }

    for (int i = 0; i < TM; ++i) {
        const int q = m0 + tid + i * THREADS;
        if (q >= pixels) break;
        for (int c = 0; c < BN4; ++c) {
            const int co4 = n0 / 4 + c;
            if (co4 < pc.outC4) storeConvTexel(split, q, co4, acc[i][c]);
        }
    }
}
