#version 450
// Winograd F(2x2, 3x3), step 3 of 3: Y = A^T M A turns the 16 GEMM results of a
// tile back into its 2x2 output pixels, then bias, residual and ReLU as in
// conv2d.comp. Bindings: 0 output (SSBO), 1 M ([xi][Cout][1][tiles]), 2 bias,
// 3 residual.
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

#define TILE_QUEUE_BINDING 4  // TILE_QUEUE: workgroups from a queue (workgroup_main.glsl)

void workgroup(uvec3 group, uvec3 grid) {
    const int tilesW = (pc.outW + 1) / 2, tilesH = (pc.outH + 1) / 2;
    const int tiles = pc.batch * tilesH * tilesW;
    int t, co4;
    if (!transformPlace(group, grid, tiles, pc.outC4, t, co4)) return;
    const int n = divMod(t, tilesH * tilesW).x;
    const ivec2 tileYX = divMod(t - n * tilesH * tilesW, tilesW);
    const int oy0 = tileYX.x * 2, ox0 = tileYX.y * 2;

    vec4 m[4][4];
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) m[i][j] = imageLoad(mTex, ((4 * i + j) * pc.outC4 + co4) * tiles + t);
    // Rows: A^T M (2 x 4), then columns: (A^T M) A (2 x 2).
    vec4 a[2][4];
    for (int j = 0; j < 4; ++j) {
        a[0][j] = m[0][j] + m[1][j] + m[2][j];
        a[1][j] = m[1][j] - m[2][j] - m[3][j];
    }
    const vec4 bias = epilogueBias(co4);
    for (int i = 0; i < 2; ++i) {
        vec4 y[2] = vec4[2](a[i][0] + a[i][1] + a[i][2], a[i][1] - a[i][2] - a[i][3]);
        for (int j = 0; j < 2; ++j) {
            const int oy = oy0 + i, ox = ox0 + j;
            if (oy >= pc.outH || ox >= pc.outW) continue;
            const int dst = ((n * pc.outC4 + co4) * pc.outH + oy) * pc.outW + ox;
            outData[dst] = store4(epilogueFinish(y[j] + bias, dst));
        }
    }
}

#include "workgroup_main.glsl"
