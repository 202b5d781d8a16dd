#version 450
// Preprocessing, pass 1 of 2: colour conversion and the horizontal half of PIL's
// antialiased bilinear resize (+ crop), for the source rows the vertical taps
// read (rowsFirst .. rowsFirst + rowsCount of the rectangle at srcX, srcY).
// One invocation per (intermediate row, output column):
// sum_i wx_i * clamp(rgb(x_i, y), 0, 255), as fp32 RGBA (lane 3 = 0).
// The 2-D resize is separable, so pass 2 (preprocess.comp) applying the
// vertical taps to these sums gives the same value as weighting every 2-D tap
// (it sums in the same order), while each source pixel is converted ~2.3 times
// instead of ~5 at 720p -> 224 (once per output pixel whose 2-D footprint covers it).
#include "preprocess_params.h"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Rows { vec4 rowData[]; };  // rowsCount x outWidth
layout(binding = 1) uniform samplerBuffer planes;                       // R8_UNORM bytes
layout(binding = 2) uniform samplerBuffer table;                        // RGBA32F

#include "preprocess_colour.glsl"

// U and V at chroma column cx, already interpolated between this row's two chroma rows.
vec2 chromaColumn(int cx, int loY, int hiY, float ay) {
    vec2 top = vec2(component(1, cx, loY), component(2, cx, loY));
    vec2 bottom = vec2(component(1, cx, hiY), component(2, cx, hiY));
    return mix(top, bottom, ay);
}

void main() {
    int index = flatInvocation();
    if (index >= pc.outWidth * pc.rowsCount) return;
    int ox = index % pc.outWidth, row = index / pc.outWidth;
    vec4 r0 = texelFetch(table, 0), r1 = texelFetch(table, 1), r2 = texelFetch(table, 2);
    mat3 m = colourMatrix(r0, r1, r2);
    vec3 offset = vec3(r0.w, r1.w, r2.w);
    ivec4 hx = ivec4(texelFetch(table, pc.xHeaders + ox));  // first, count, weight texel
    int x0 = pc.srcX + hx.x, y = pc.srcY + pc.rowsFirst + row;
    vec3 sum = vec3(0.0);
    if ((pc.flags & PREPROCESS_CHROMA_BILINEAR) != 0) {
        // rgbAt's bilinear chroma, rearranged for a row: the vertical half is the
        // same for every tap, and consecutive taps share chroma columns (the
        // chroma position moves by 1 / 2^shift <= 1/2 per tap, so a tap's left
        // column is the previous tap's left or right one). Each tap then fetches
        // one new column (4 texels) instead of 8, which was half the pass's time.
        float fy = (float(y) + 0.5 - pc.chromaSiteY) / float(1 << pc.chromaShiftY);
        float fy0 = floor(fy);
        int loY = clamp(int(fy0), 0, pc.chromaHeight - 1), hiY = clamp(int(fy0) + 1, 0, pc.chromaHeight - 1);
        float ay = fy - fy0;
        float chromaStep = 1.0 / float(1 << pc.chromaShiftX);
        float fx = (float(x0) + 0.5 - pc.chromaSiteX) * chromaStep;
        int loX = clamp(int(floor(fx)), 0, pc.chromaWidth - 1);
        vec2 lo = chromaColumn(loX, loY, hiY, ay), hi = lo;
        for (int i = 0; i < hx.y; ++i) {
            float wx = texelFetch(table, hx.z + (i >> 2))[i & 3];
            float fx = (float(x0 + i) + 0.5 - pc.chromaSiteX) * chromaStep;
            float fx0 = floor(fx);
            int tapLo = clamp(int(fx0), 0, pc.chromaWidth - 1), tapHi = clamp(int(fx0) + 1, 0, pc.chromaWidth - 1);
            lo = tapLo == loX ? lo : hi;
            loX = tapLo;
            hi = chromaColumn(tapHi, loY, hiY, ay);
            vec3 yuv = vec3(component(0, x0 + i, y), mix(lo, hi, fx - fx0));
            sum += wx * clamp(m * yuv + offset, vec3(0.0), vec3(255.0));
        }
    } else {
        for (int i = 0; i < hx.y; ++i) {
            float wx = texelFetch(table, hx.z + (i >> 2))[i & 3];
            sum += wx * rgbAt(x0 + i, y, m, offset);
        }
    }
    rowData[index] = vec4(sum, 0.0);
}
