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
// pc.flags, as a specialisation constant: lavapipe runs both sides of an `if`
// (under a mask) even when no lane takes one, so each layout gets a pipeline
// holding only its own path.
layout(constant_id = 1) const int LAYOUT_FLAGS = 0;
#define PREPROCESS_FLAGS LAYOUT_FLAGS
layout(std430, binding = 0) writeonly buffer Rows { vec4 rowData[]; };  // rowsCount x outWidth
layout(binding = 1) uniform samplerBuffer planes;                       // R8_UNORM bytes
layout(binding = 2) uniform samplerBuffer table;                        // RGBA32F
layout(binding = 3) uniform usamplerBuffer planeWords;                  // the same bytes as R32_UINT

#include "preprocess_colour.glsl"

#define ROWS PREPROCESS_ROWS_PER_INVOCATION

// ---- Planar layouts (PREPROCESS_PLANAR: every component one byte per sample) ----
// On lavapipe a texel fetch costs ~50 instructions whatever its format, and it
// is most of this pass. So taps go four at a time: their weights in one RGBA32F
// fetch, each component's four bytes in two 32-bit word fetches (instead of one
// fetch per byte), and for subsampled chroma the ROWS + 1 chroma rows that
// ROWS consecutive rows can touch, fetched once for all of them.

int lastWord;  // textureSize(planeWords) - 1, queried once (the query is a call here)

// Four consecutive bytes from byte address a (any alignment), each in [0, 1].
vec4 bytesAt(int a) {
    int w = a >> 2, shift = (a & 3) * 8;
    uint lo = texelFetch(planeWords, min(w, lastWord)).r, hi = texelFetch(planeWords, min(w + 1, lastWord)).r;
    // (hi << 1) << (31 - shift) is hi << (32 - shift) without a shift by 32 when shift = 0.
    return unpackUnorm4x8((lo >> shift) | ((hi << 1) << (31 - shift)));
}

// Component c's samples x .. x + 3 of its row y.
vec4 samples4(int c, int x, int y) {
    return bytesAt(pc.compStart[c] + y * pc.compStride[c] + x);
}

float pick(vec4 v, int i) {
    return i == 0 ? v.x : i == 1 ? v.y : i == 2 ? v.z : v.w;
}

vec4 pick4(vec4 v, ivec4 i) {
    return vec4(pick(v, i.x), pick(v, i.y), pick(v, i.z), pick(v, i.w));
}

// Chroma row k of the ROWS + 1 fetched (a chain of selects, not an indexed array).
vec4 chromaRow(vec4 rows[ROWS + 1], int k) {
    vec4 r = rows[0];
    for (int i = 1; i <= ROWS; ++i) r = k == i ? rows[i] : r;
    return r;
}

void planarTaps(int x0, ivec4 hx, int y[ROWS], mat3 m, vec3 offset, inout vec3 sum[ROWS]) {
    const bool gray = (PREPROCESS_FLAGS & PREPROCESS_GRAY) != 0;
    const bool bilinear = (PREPROCESS_FLAGS & PREPROCESS_CHROMA_BILINEAR) != 0;
    // Bilinear chroma, vertically: row r mixes chroma rows rel[r] and rel[r] + 1
    // of the ROWS + 1 from chromaBase (clamped at the plane's edges, like rgbAt's).
    int chromaBase = 0;
    int rel[ROWS];
    float ay[ROWS];
    for (int r = 0; r < ROWS; ++r) {
        float fy = (float(y[r]) + 0.5 - pc.chromaSiteY) / float(1 << pc.chromaShiftY), fy0 = floor(fy);
        if (r == 0) chromaBase = int(fy0);
        rel[r] = int(fy0) - chromaBase;
        ay[r] = fy - fy0;
    }
    int chromaRows[ROWS + 1];
    for (int k = 0; k <= ROWS; ++k) chromaRows[k] = clamp(chromaBase + k, 0, pc.chromaHeight - 1);
    const float chromaStep = 1.0 / float(1 << pc.chromaShiftX);
    for (int g = 0; g < (hx.y + 3) / 4; ++g) {
        // Taps past the count have weight 0 (the table pads them) and read finite bytes.
        vec4 wx = texelFetch(table, hx.z + g);
        int xg = x0 + 4 * g;
        vec4 u[ROWS], v[ROWS];
        if (gray) {
            for (int r = 0; r < ROWS; ++r) u[r] = v[r] = vec4(0.0);
        } else if (!bilinear) {
            for (int r = 0; r < ROWS; ++r) {
                u[r] = samples4(1, xg, y[r]);
                v[r] = samples4(2, xg, y[r]);
            }
        } else {
            // The four taps' chroma columns, relative to the first tap's left one:
            // with chromaShiftX >= 1 they span at most four columns.
            vec4 fx = (vec4(xg) + vec4(0.5, 1.5, 2.5, 3.5) - pc.chromaSiteX) * chromaStep, fx0 = floor(fx);
            vec4 ax = fx - fx0;
            ivec4 lo = clamp(ivec4(fx0), ivec4(0), ivec4(pc.chromaWidth - 1));
            ivec4 hi = clamp(ivec4(fx0) + 1, ivec4(0), ivec4(pc.chromaWidth - 1));
            int base = lo.x;
            vec4 us[ROWS + 1], vs[ROWS + 1];
            for (int k = 0; k <= ROWS; ++k) {
                us[k] = samples4(1, base, chromaRows[k]);
                vs[k] = samples4(2, base, chromaRows[k]);
            }
            for (int r = 0; r < ROWS; ++r) {
                vec4 uCols = mix(chromaRow(us, rel[r]), chromaRow(us, rel[r] + 1), ay[r]);
                vec4 vCols = mix(chromaRow(vs, rel[r]), chromaRow(vs, rel[r] + 1), ay[r]);
                u[r] = mix(pick4(uCols, lo - base), pick4(uCols, hi - base), ax);
                v[r] = mix(pick4(vCols, lo - base), pick4(vCols, hi - base), ax);
            }
        }
        for (int r = 0; r < ROWS; ++r) {
            vec4 luma = samples4(0, xg, y[r]);
            for (int k = 0; k < 4; ++k)
                sum[r] += wx[k] * clamp(m * vec3(luma[k], u[r][k], v[r][k]) + offset, vec3(0.0), vec3(255.0));
        }
    }
}

// ---- Any other 8-bit layout: one fetch per byte ----

// U and V at chroma column cx, already interpolated between a row's two chroma rows.
vec2 chromaColumn(int cx, ivec2 rowsY, float ay) {
    vec2 top = vec2(component(1, cx, rowsY.x), component(2, cx, rowsY.x));
    vec2 bottom = vec2(component(1, cx, rowsY.y), component(2, cx, rowsY.y));
    return mix(top, bottom, ay);
}

void bilinearTaps(int x0, ivec4 hx, int y[ROWS], mat3 m, vec3 offset, inout vec3 sum[ROWS]) {
    // rgbAt's bilinear chroma, rearranged for rows: the vertical half is the
    // same for every tap of a row, and consecutive taps share chroma columns
    // (the chroma position moves by 1 / 2^shift <= 1/2 per tap, so a tap's
    // left column is the previous tap's left or right one). Each tap then
    // fetches one new column (4 texels per row) instead of 8.
    ivec2 rowsY[ROWS];
    float ay[ROWS];
    for (int r = 0; r < ROWS; ++r) {
        float fy = (float(y[r]) + 0.5 - pc.chromaSiteY) / float(1 << pc.chromaShiftY);
        float fy0 = floor(fy);
        ay[r] = fy - fy0;
        rowsY[r] = clamp(ivec2(int(fy0), int(fy0) + 1), ivec2(0), ivec2(pc.chromaHeight - 1));
    }
    float chromaStep = 1.0 / float(1 << pc.chromaShiftX);
    int loX = clamp(int(floor((float(x0) + 0.5 - pc.chromaSiteX) * chromaStep)), 0, pc.chromaWidth - 1);
    vec2 lo[ROWS], hi[ROWS];
    for (int r = 0; r < ROWS; ++r) hi[r] = lo[r] = chromaColumn(loX, rowsY[r], ay[r]);
    for (int i = 0; i < hx.y; ++i) {
        float wx = texelFetch(table, hx.z + (i >> 2))[i & 3];
        float fx = (float(x0 + i) + 0.5 - pc.chromaSiteX) * chromaStep;
        float fx0 = floor(fx), ax = fx - fx0;
        int tapLo = clamp(int(fx0), 0, pc.chromaWidth - 1), tapHi = clamp(int(fx0) + 1, 0, pc.chromaWidth - 1);
        bool keep = tapLo == loX;
        loX = tapLo;
        for (int r = 0; r < ROWS; ++r) {
            lo[r] = keep ? lo[r] : hi[r];
            hi[r] = chromaColumn(tapHi, rowsY[r], ay[r]);
            vec3 yuv = vec3(component(0, x0 + i, y[r]), mix(lo[r], hi[r], ax));
            sum[r] += wx * clamp(m * yuv + offset, vec3(0.0), vec3(255.0));
        }
    }
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
    if ((PREPROCESS_FLAGS & PREPROCESS_PLANAR) != 0) {
        lastWord = textureSize(planeWords) - 1;
        planarTaps(x0, hx, y, m, offset, sum);
    } else if ((PREPROCESS_FLAGS & PREPROCESS_CHROMA_BILINEAR) != 0) {
        bilinearTaps(x0, hx, y, m, offset, sum);
    } else {
        for (int i = 0; i < hx.y; ++i) {
            float wx = texelFetch(table, hx.z + (i >> 2))[i & 3];
            for (int r = 0; r < ROWS; ++r) sum[r] += wx * rgbAt(x0 + i, y[r], m, offset);
        }
    }
    for (int r = 0; r < ROWS; ++r)
        if (row0 + r < pc.rowsCount) rowData[(row0 + r) * pc.outWidth + ox] = vec4(sum[r], 0.0);
}
