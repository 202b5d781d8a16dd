#version 450
// Preprocessing, pass 1 of 2: colour conversion and the horizontal half of PIL's
// antialiased bilinear resize (+ crop), for the source rows the vertical taps
// read (rowsFirst .. rowsFirst + rowsCount of the rectangle at srcX, srcY):
// per intermediate row and output column sum_i wx_i * clamp(rgb(x_i, y), 0, 255),
// as fp32 RGBA (lane 3 = 0).
// The 2-D resize is separable, so pass 2 (preprocess.comp) applying the
// vertical taps to these sums gives the same value as weighting every 2-D tap
// (it sums in the same order), while each source pixel is converted ~2.3 times
// instead of ~5 at 720p -> 224 (once per output pixel whose 2-D footprint covers it).
#include "preprocess_params.h"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int LAYOUT_FLAGS = 0;  // pc.flags (see preprocess_colour.glsl)
#define PREPROCESS_FLAGS LAYOUT_FLAGS
layout(std430, binding = 0) writeonly buffer Rows { vec4 rowData[]; };  // rowsCount x outWidth
layout(binding = 1, r32ui) uniform readonly uimageBuffer planes;        // the bytes, in R32UI words
layout(binding = 2) uniform samplerBuffer table;                        // RGBA32F

#include "preprocess_colour.glsl"

#define ROWS PREPROCESS_ROWS_PER_INVOCATION

// The ROWS luma rows of an invocation interpolate chroma between consecutive
// chroma rows: CHROMA_ROWS of them, from the first luma row's upper one. With
// subsampled chroma rows that is at most ROWS / 2 + 2 (6 for 8 rows of 4:2:0),
// else ROWS + 1: fetching each once per chroma column, instead of two per luma
// row, takes 4:2:0 from 4 chroma fetches per luma row and tap to 1.5.
const int CHROMA_ROWS = (PREPROCESS_FLAGS & PREPROCESS_CHROMA_ROWS_SUBSAMPLED) != 0 ? ROWS / 2 + 2 : ROWS + 1;

// U and V of chroma column cx at the chroma rows from row0 on (clamped to the picture).
void chromaRows(int cx, int row0, out vec2 column[ROWS + 1]) {
    for (int k = 0; k < CHROMA_ROWS; ++k) {
        const int cy = clamp(row0 + k, 0, pc.chromaHeight - 1);
        column[k] = vec2(component(1, cx, cy), component(2, cx, cy));
    }
}

// A luma row's chroma from one column's rows: between its upper row `upper`
// (counted from the first) and the one below it.
vec2 chromaOfRow(vec2 column[ROWS + 1], int upper, float ay) {
    vec2 top = column[0], bottom = column[1];
    for (int k = 1; k + 1 < CHROMA_ROWS; ++k)
        if (upper == k) top = column[k], bottom = column[k + 1];
    return mix(top, bottom, ay);
}

void main() {
    // ROWS consecutive rows of one output column per invocation: they share the
    // column's taps, weights and chroma positions, much of the loop's arithmetic.
    int index = flatInvocation();
    int groups = (pc.rowsCount + ROWS - 1) / ROWS;
    if (index >= pc.outWidth * groups) return;
    int ox = index % pc.outWidth, row0 = (index / pc.outWidth) * ROWS;
    vec4 r0 = texelFetch(table, 0), r1 = texelFetch(table, 1), r2 = texelFetch(table, 2);
    mat3 m = colourMatrix(r0, r1, r2);
    vec3 offset = vec3(r0.w, r1.w, r2.w);
    ivec4 hx = ivec4(texelFetch(table, pc.xHeaders + ox));  // first, count, weight texel
    int x0 = pc.srcX + hx.x;
    int y[ROWS];  // rows past the last one repeat it (and are not stored)
    for (int r = 0; r < ROWS; ++r) y[r] = pc.srcY + pc.rowsFirst + min(row0 + r, pc.rowsCount - 1);
    vec3 sum[ROWS];
    for (int r = 0; r < ROWS; ++r) sum[r] = vec3(0.0);
    if ((PREPROCESS_FLAGS & PREPROCESS_CHROMA_BILINEAR) != 0) {
        // rgbAt's bilinear chroma, rearranged for rows: the vertical half is the
        // same for every tap of a row, and consecutive taps share chroma columns
        // (the chroma position moves by 1 / 2^shift <= 1/2 per tap, so a tap's
        // left column is the previous tap's left or right one). Each tap then
        // fetches one new column (4 texels per row) instead of 8.
        int upper[ROWS];  // each row's upper chroma row, from the first row's
        float ay[ROWS];
        int row0 = 0;
        for (int r = 0; r < ROWS; ++r) {
            float fy = (float(y[r]) + 0.5 - pc.chromaSiteY) / float(1 << pc.chromaShiftY);
            float fy0 = floor(fy);
            ay[r] = fy - fy0;
            if (r == 0) row0 = int(fy0);
            upper[r] = int(fy0) - row0;
        }
        float chromaStep = 1.0 / float(1 << pc.chromaShiftX);
        int loX = clamp(int(floor((float(x0) + 0.5 - pc.chromaSiteX) * chromaStep)), 0, pc.chromaWidth - 1);
        vec2 column[ROWS + 1];
        chromaRows(loX, row0, column);
        vec2 lo[ROWS], hi[ROWS];
        for (int r = 0; r < ROWS; ++r) hi[r] = lo[r] = chromaOfRow(column, upper[r], ay[r]);
        for (int i = 0; i < hx.y; ++i) {
            float wx = texelFetch(table, hx.z + (i >> 2))[i & 3];
            float fx = (float(x0 + i) + 0.5 - pc.chromaSiteX) * chromaStep;
            float fx0 = floor(fx), ax = fx - fx0;
            int tapLo = clamp(int(fx0), 0, pc.chromaWidth - 1), tapHi = clamp(int(fx0) + 1, 0, pc.chromaWidth - 1);
            bool keep = tapLo == loX;
            loX = tapLo;
            chromaRows(tapHi, row0, column);
            for (int r = 0; r < ROWS; ++r) {
                lo[r] = keep ? lo[r] : hi[r];
                hi[r] = chromaOfRow(column, upper[r], ay[r]);
                vec3 yuv = vec3(component(0, x0 + i, y[r]), mix(lo[r], hi[r], ax));
                sum[r] += wx * clamp(m * yuv + offset, vec3(0.0), vec3(255.0));
            }
        }
    } else {
        for (int i = 0; i < hx.y; ++i) {
            float wx = texelFetch(table, hx.z + (i >> 2))[i & 3];
            for (int r = 0; r < ROWS; ++r) sum[r] += wx * rgbAt(x0 + i, y[r], m, offset);
        }
    }
    for (int r = 0; r < ROWS; ++r)
        if (row0 + r < pc.rowsCount) rowData[(row0 + r) * pc.outWidth + ox] = vec4(sum[r], 0.0);
}
