#version 450
// Convolution (group 1) on tensor cores through GL_NV_cooperative_matrix: the
// implicit GEMM of conv_tiled.comp with the block's products done as 16x16x16
// fp16 matrix multiply-adds with fp32 accumulators. A workgroup is 4 subgroups
// of 32 (the pipeline pins that size) and computes 64 pixels x 64 output
// channels; each subgroup owns a 32x32 quarter as 2x2 accumulator matrices.
// Per step it stages 8 K texels (32 scalar K) of input and weights in shared
// memory, converted to fp16 on the way in (the texel views return fp32), then
// the accumulators go through shared memory once to the same epilogue as
// conv_tiled.comp (bias, residual, ReLU, or split-K partial sums).
// Built only where cmake's probe shows glslc compiles it (CMakeLists.txt), and
// selected only where the device offers the 16x16x16 fp16/fp32 shape
// (vk/device_traits.cpp). Bindings as conv_tiled.comp.
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#include "conv_tiled_params.h"
#include "precision.glsl"

layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };

#define BM 64
#define BN 64
#define BK 8            // K texels per step
#define BKS (BK * 4)    // scalar K per step
#define THREADS 128
#define MAT 16

layout(local_size_x = THREADS) in;
layout(constant_id = 1) const int KH = 3;
layout(constant_id = 2) const int KW = 3;
layout(constant_id = 3) const int SH = 1;
layout(constant_id = 4) const int SW = 1;
layout(constant_id = 5) const int DH = 1;
layout(constant_id = 6) const int DW = 1;
layout(constant_id = 7) const int PADDED = 1;
layout(constant_id = 8) const int PARTIAL = 0;

layout(binding = 1) uniform samplerBuffer inTex;
layout(binding = 2) uniform samplerBuffer weightTex;
layout(binding = 3) uniform samplerBuffer biasTex;
layout(binding = 4) uniform samplerBuffer residualTex;

#include "conv_store.glsl"

shared float16_t tileX[BM * BKS];  // row-major: pixel x scalar K
shared float16_t tileW[BKS * BN];  // row-major: scalar K x output channel
shared float tileOut[BM * BN];     // row-major: pixel x output channel

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

    const uint sg = gl_SubgroupID;  // 0..3
    const uint rowBase = (sg % 2u) * 32u;
    const uint colBase = (sg / 2u) * 32u;
    fcoopmatNV<32, gl_ScopeSubgroup, MAT, MAT> acc[2][2];
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) acc[i][j] = fcoopmatNV<32, gl_ScopeSubgroup, MAT, MAT>(0.0);

    for (int k0 = kBegin; k0 < kEnd; k0 += BK) {
        // Input: a fixed pixel per invocation, K texels tid / BM, + 2, + 4, + 6.
        for (int a = 0; a < BK / 2; ++a) {
            const int row = tid / BM + a * 2;
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
            const int at = (tid % BM) * BKS + row * 4;
            for (int c = 0; c < 4; ++c) tileX[at + c] = float16_t(x[c]);
        }
        // Weights: consecutive invocations read consecutive K of one channel.
        for (int b = 0; b < BK * BN / THREADS; ++b) {
            const int e = tid + b * THREADS;
            const int row = e % BK;
            const int col = e / BK;
            const int k = k0 + row;
            const int co = n0 + col;
            const vec4 w = (k < kEnd && co < outRows) ? texelFetch(weightTex, co * pc.kTexels + k) : vec4(0.0);
            for (int c = 0; c < 4; ++c) tileW[(row * 4 + c) * BN + col] = float16_t(w[c]);
        }
        barrier();
        for (uint kk = 0u; kk < uint(BKS); kk += uint(MAT)) {
            fcoopmatNV<16, gl_ScopeSubgroup, MAT, MAT> a[2];
            fcoopmatNV<16, gl_ScopeSubgroup, MAT, MAT> b[2];
            for (uint i = 0u; i < 2u; ++i)
                coopMatLoadNV(a[i], tileX, (rowBase + i * MAT) * uint(BKS) + kk, uint(BKS), false);
            for (uint j = 0u; j < 2u; ++j)
                coopMatLoadNV(b[j], tileW, kk * uint(BN) + colBase + j * MAT, uint(BN), false);
            for (int i = 0; i < 2; ++i)
                for (int j = 0; j < 2; ++j) acc[i][j] = coopMatMulAddNV(a[i], b[j], acc[i][j]);
        }
        barrier();
    }

    for (uint i = 0u; i < 2u; ++i)
        for (uint j = 0u; j < 2u; ++j)
            coopMatStoreNV(acc[i][j], tileOut, (rowBase + i * MAT) * uint(BN) + colBase + j * MAT, uint(BN), false);
    barrier();
    // 64 pixels x 16 output texels, 8 per invocation; neighbours store neighbouring pixels.
    for (int e = tid; e < BM * (BN / 4); e += THREADS) {
        const int p = e % BM;
        const int t = e / BM;
        const int q = m0 + p;
        const int co4 = n0 / 4 + t;
        if (q >= pixels || co4 >= pc.outC4) continue;
        const int at = p * BN + t * 4;
        storeConvTexel(split, q, co4, vec4(tileOut[at], tileOut[at + 1], tileOut[at + 2], tileOut[at + 3]));
    }
}
