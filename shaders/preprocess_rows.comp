#version 450
// Preprocessing, pass 1 of 2: colour conversion and the horizontal half of PIL's
// antialiased bilinear resize (+ crop), for the source rows the vertical taps
// read (rowsFirst .. rowsFirst + rowsCount of the rectangle at srcX, srcY).
// One invocation per (intermediate row, output column):
// sum_i wx_i * clamp(rgb(x_i, y), 0, 255), as fp32 RGBA (lane 3 = 0).
// The 2-D resize is separable, so pass 2 (preprocess.comp) applying the
// vertical taps to these sums gives the same value as weighting every 2-D tap
// (it sums in the same order), while each source pixel is converted
// ~2.3 times instead of ~5 at 720p -> 224 (once per output pixel whose 2-D
// footprint covers it).
#include "preprocess_params.h"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Rows { vec4 rowData[]; };  // rowsCount x outWidth
layout(binding = 1) uniform samplerBuffer planes;                       // R8_UNORM bytes
layout(binding = 2) uniform samplerBuffer table;                        // RGBA32F

#include "preprocess_colour.glsl"

void main() {
    int index = flatInvocation();
    if (index >= pc.outWidth * pc.rowsCount) return;
    int ox = index % pc.outWidth, row = index / pc.outWidth;
    vec4 r0 = texelFetch(table, 0), r1 = texelFetch(table, 1), r2 = texelFetch(table, 2);
    mat3 m = colourMatrix(r0, r1, r2);
    vec3 offset = vec3(r0.w, r1.w, r2.w);
    ivec4 hx = ivec4(texelFetch(table, pc.xHeaders + ox));  // first, count, weight texel
    int y = pc.srcY + pc.rowsFirst + row;
    vec3 sum = vec3(0.0);
    for (int i = 0; i < hx.y; ++i) {
        float wx = texelFetch(table, hx.z + (i >> 2))[i & 3];
        sum += wx * rgbAt(pc.srcX + hx.x + i, y, m, offset);
    }
    rowData[index] = vec4(sum, 0.0);
}
