#version 450
// Winograd F(2x2, 3x3), step 1 of 3: each invocation takes one 4x4 input patch
// (four channels) of one output tile and writes its 16 transformed texels
// V = B^T d B, laid out as 16 pack4 tensors [xi][C][1][tiles] so that step 2 is
// a batch of 16 plain GEMMs (conv2d.comp with WEIGHT_BATCHED).
// Bindings: 0 V (SSBO), 1 input.
#include "conv_params.h"
#include "precision.glsl"
#include "tensor.glsl"
#include "winograd_place.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { StoredVec4 v[]; };
layout(binding = 1, TEXEL_FORMAT) uniform readonly imageBuffer inTex;

#define TILE_QUEUE_BINDING 2  // TILE_QUEUE: workgroups from a queue (workgroup_main.glsl)

void workgroup(uvec3 group, uvec3 grid) {
    const int tilesW = (pc.outW + 1) / 2, tilesH = (pc.outH + 1) / 2;
    const int tiles = pc.batch * tilesH * tilesW;
    int t, ci4;
    if (!transformPlace(group, grid, tiles, pc.inC4, t, ci4)) return;
    const int n = divMod(t, tilesH * tilesW).x;
    const ivec2 tileYX = divMod(t - n * tilesH * tilesW, tilesW);
    const int y0 = tileYX.x * 2 - pc.padTop;
    const int x0 = tileYX.y * 2 - pc.padLeft;
    const int base = (n * pc.inC4 + ci4) * pc.inH * pc.inW;

    vec4 d[4][4];
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) {
            const int y = y0 + i, x = x0 + j;
            const bool inside = y >= 0 && y < pc.inH && x >= 0 && x < pc.inW;
            // Branch-free: see tapInput in conv_register_tile.glsl.
            const int at = base + y * pc.inW + x;
            const vec4 texel = imageLoad(inTex, inside ? at : 0);
            d[i][j] = inside ? texel : vec4(0.0);
        }
    // Rows: B^T d.
    vec4 b[4][4];
    for (int j = 0; j < 4; ++j) {
        b[0][j] = d[0][j] - d[2][j];
        b[1][j] = d[1][j] + d[2][j];
        b[2][j] = d[2][j] - d[1][j];
        b[3][j] = d[1][j] - d[3][j];
    }
    // Columns: (B^T d) B, written as xi = 4 * i + j.
    for (int i = 0; i < 4; ++i) {
        vec4 row[4] = vec4[4](b[i][0] - b[i][2], b[i][1] + b[i][2], b[i][2] - b[i][1], b[i][1] - b[i][3]);
        for (int j = 0; j < 4; ++j) v[((4 * i + j) * pc.inC4 + ci4) * tiles + t] = store4(row[j]);
    }
}

#include "workgroup_main.glsl"
