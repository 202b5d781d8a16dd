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

void main() {
    int index = flatInvocation();
    if (index >= pc.outWidth * pc.outHeight) return;
    int ox = index % pc.outWidth, oy = index / pc.outWidth;
    ivec4 hy = ivec4(texelFetch(table, pc.yHeaders + oy));  // first, count, weight texel
    vec3 sum = vec3(0.0);
    for (int j = 0; j < hy.y; ++j) {
        float wy = texelFetch(table, hy.z + (j >> 2))[j & 3];
        sum += wy * texelFetch(rows, (hy.x + j - pc.rowsFirst) * pc.outWidth + ox).xyz;
    }
    // Outside the resized picture (crop larger than it) both CPU and GPU give 0.
    vec3 scale = texelFetch(table, 3).xyz, bias = texelFetch(table, 4).xyz;
    outData[pc.dstBase + index] = store4(vec4(sum * scale + bias, 0.0));
}
