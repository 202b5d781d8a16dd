#version 450
// Winograd F(4x4, 3x3), step 1 of 3: each invocation takes one 6x6 input patch
// (four channels) of one 4x4 output tile and writes its 36 transformed texels
// V = B^T d B, laid out as 36 pack4 tensors [xi][C][1][tiles] so that step 2 is
// a batch of 36 plain GEMMs. F(4x4) needs 36 multiplies per 16 outputs where
// F(2x2) needs 16 per 4 (2.25 instead of 4 per output; direct: 9), and reads
// 36 input texels per 16 outputs instead of 16 per 4.
// B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
// Bindings: 0 V (SSBO), 1 input.
#include "conv_params.h"
#include "precision.glsl"
#include "tensor.glsl"
#include "winograd_place.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { StoredVec4 v[]; };
layout(binding = 1, TEXEL_FORMAT) uniform readonly imageBuffer inTex;

// One column (or row) of B^T applied to six values.
void transform6(vec4 d0, vec4 d1, vec4 d2, vec4 d3, vec4 d4, vec4 d5, out vec4 r[6]) {
    r[0] = 4.0 * d0 - 5.0 * d2 + d4;
    r[1] = d3 + d4 - 4.0 * (d1 + d2);
    r[2] = d4 - d3 + 4.0 * (d1 - d2);
    r[3] = d4 - d2 + 2.0 * (d3 - d1);
    r[4] = d4 - d2 + 2.0 * (d1 - d3);
    r[5] = 4.0 * d1 - 5.0 * d3 + d5;
}

#define TILE_QUEUE_BINDING 2  // TILE_QUEUE: workgroups from a queue (workgroup_main.glsl)

void workgroup(uvec3 group, uvec3 grid) {
    const int tilesW = (pc.outW + 3) / 4, tilesH = (pc.outH + 3) / 4;
    const int tiles = pc.batch * tilesH * tilesW;
    int t, ci4;
    if (!transformPlace(group, grid, tiles, pc.inC4, t, ci4)) return;
    const int n = divMod(t, tilesH * tilesW).x;
    const ivec2 tileYX = divMod(t - n * tilesH * tilesW, tilesW);
    const int y0 = tileYX.x * 4 - pc.padTop;
    const int x0 = tileYX.y * 4 - pc.padLeft;
    const int base = (n * pc.inC4 + ci4) * pc.inH * pc.inW;

    // Columns first: b[j] = B^T d[.][j], one input column at a time.
    vec4 b[6][6];  // b[j][i]: row i of B^T d, column j
    for (int j = 0; j < 6; ++j) {
        vec4 d[6];
        const int x = x0 + j;
        for (int i = 0; i < 6; ++i) {
            const int y = y0 + i;
            const bool inside = y >= 0 && y < pc.inH && x >= 0 && x < pc.inW;
            // Branch-free: see tapInput in conv_register_tile.glsl.
            const int at = base + y * pc.inW + x;
            const vec4 texel = imageLoad(inTex, inside ? at : 0);
            d[i] = inside ? texel : vec4(0.0);
        }
        transform6(d[0], d[1], d[2], d[3], d[4], d[5], b[j]);
    }
    // Rows: (B^T d) B, written as xi = 6 * i + j.
    for (int i = 0; i < 6; ++i) {
        vec4 row[6];
        transform6(b[0][i], b[1][i], b[2][i], b[3][i], b[4][i], b[5][i], row);
        for (int j = 0; j < 6; ++j) v[((6 * i + j) * pc.inC4 + ci4) * tiles + t] = store4(row[j]);
    }
}

#include "workgroup_main.glsl"
