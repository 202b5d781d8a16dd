#version 450
// Preprocessing, pass 2 of 2: the vertical half of PIL's antialiased bilinear
// resize (+ crop) over pass 1's horizontally resized rows (preprocess_rows.comp),
// then scale, mean and std, into one batch item of the network input. Per-axis
// taps and normalised weights are precomputed on the host (preprocess_table.cpp,
// the same ones classify/preprocess.cpp uses). Lane 3 of every output texel is 0.
#include "preprocess_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer rows;   // RGBA32F, rowsCount x outWidth
layout(binding = 2) uniform samplerBuffer table;  // RGBA32F

#define COLUMNS PREPROCESS_COLUMNS_PER_INVOCATION

void main() {
    // COLUMNS neighbouring pixels of one output row per invocation: they share
    // the row's header, weights and normalisation.
    const int groups = (pc.outWidth + COLUMNS - 1) / COLUMNS;
    const int index = flatInvocation();
    if (index >= groups * pc.outHeight) return;
    const int oy = index / groups, ox0 = (index % groups) * COLUMNS;
    int ox[COLUMNS];  // columns past the last repeat it (and are not stored)
    for (int c = 0; c < COLUMNS; ++c) ox[c] = min(ox0 + c, pc.outWidth - 1);
    const ivec4 hy = ivec4(texelFetch(table, pc.yHeaders + oy));  // first, count, weight texel
    vec3 sum[COLUMNS];
    for (int c = 0; c < COLUMNS; ++c) sum[c] = vec3(0.0);
    for (int j = 0; j < hy.y; ++j) {
        const float wy = texelFetch(table, hy.z + (j >> 2))[j & 3];
        const int row = (hy.x + j - pc.rowsFirst) * pc.outWidth;
        for (int c = 0; c < COLUMNS; ++c) sum[c] += wy * texelFetch(rows, row + ox[c]).xyz;
    }
    // Outside the resized picture (crop larger than it) both CPU and GPU give 0.
    const vec3 scale = texelFetch(table, 3).xyz, bias = texelFetch(table, 4).xyz;
    for (int c = 0; c < COLUMNS; ++c)
        if (ox0 + c < pc.outWidth)
            outData[pc.dstBase + oy * pc.outWidth + ox0 + c] = store4(vec4(sum[c] * scale + bias, 0.0));
}
