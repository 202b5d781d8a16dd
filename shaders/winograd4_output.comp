#version 450
// Winograd F(4x4, 3x3), step 3 of 3: Y = A^T M A turns the 36 GEMM results of a
// tile back into its 4x4 output pixels, then bias, residual and ReLU as in
// conv2d.comp. A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
// Bindings: 0 output (SSBO), 1 M ([xi][Cout][1][tiles]), 2 bias, 3 residual.
#include "conv_params.h"
#include "precision.glsl"
#include "tensor.glsl"
#include "winograd_place.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int EPILOGUE = 0;  // RESVK_EPILOGUE_* bits
layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1, TEXEL_FORMAT) uniform readonly imageBuffer mTex;
layout(binding = 2, TEXEL_FORMAT) uniform readonly imageBuffer biasTex;
layout(binding = 3, TEXEL_FORMAT) uniform readonly imageBuffer residualTex;
#include "conv_epilogue.glsl"

// A^T applied to six values.
void transform4(vec4 m0, vec4 m1, vec4 m2, vec4 m3, vec4 m4, vec4 m5, out vec4 y[4]) {
    const vec4 s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4;
    y[0] = m0 + s12 + s34;
    y[1] = d12 + 2.0 * d34;
    y[2] = s12 + 4.0 * s34;
    y[3] = d12 + 8.0 * d34 + m5;
}

#define TILE_QUEUE_BINDING 4  // TILE_QUEUE: workgroups from a queue (workgroup_main.glsl)

void workgroup(uvec3 group, uvec3 grid) {
    const int tilesW = (pc.outW + 3) / 4, tilesH = (pc.outH + 3) / 4;
    const int tiles = pc.batch * tilesH * tilesW;
    int t, co4;
    if (!transformPlace(group, grid, tiles, pc.outC4, t, co4)) return;
    const int n = divMod(t, tilesH * tilesW).x;
    const ivec2 tileYX = divMod(t - n * tilesH * tilesW, tilesW);
    const int oy0 = tileYX.x * 4, ox0 = tileYX.y * 4;

    // Columns first: a[j] = A^T M[.][j].
    vec4 a[6][4];  // a[j][i]: row i of A^T M, column j
    for (int j = 0; j < 6; ++j) {
        vec4 m[6];
        for (int i = 0; i < 6; ++i) m[i] = imageLoad(mTex, ((6 * i + j) * pc.outC4 + co4) * tiles + t);
        transform4(m[0], m[1], m[2], m[3], m[4], m[5], a[j]);
    }
    const vec4 bias = epilogueBias(co4);
    for (int i = 0; i < 4; ++i) {
        const int oy = oy0 + i;
        if (oy >= pc.outH) break;
        vec4 y[4];
        transform4(a[0][i], a[1][i], a[2][i], a[3][i], a[4][i], a[5][i], y);
        for (int j = 0; j < 4; ++j) {
            const int ox = ox0 + j;
            if (ox >= pc.outW) break;
            const int dst = ((n * pc.outC4 + co4) * pc.outH + oy) * pc.outW + ox;
            outData[dst] = store4(epilogueFinish(y[j] + bias, dst));
        }
    }
}

#include "workgroup_main.glsl"
