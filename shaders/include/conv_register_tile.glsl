// What the register-tiled convolutions (conv2d.comp: pixels across lanes,
// conv2d_lanes.comp: output channels across lanes) share: where each of an
// invocation's PIXELS output pixels reads its input and its weights, and the
// store of its OC_TEXELS*4 x PIXELS accumulators with bias, residual and ReLU.
// Include after the kernel's OC_TEXELS/PIXELS, specialisation constants (SH, SW,
// DH, DW, PADDED, EPILOGUE, WEIGHT_BLOCK) and bindings.
#ifndef RESVK_CONV_REGISTER_TILE_GLSL
#define RESVK_CONV_REGISTER_TILE_GLSL
#include "conv_epilogue.glsl"

// Which output pixels of each image a dispatch computes. Built unpadded, the
// kernel covers the rectangle pc.inner* (the whole output for layers without
// padding); built padded, the frame around it (the whole output when the
// rectangle is empty). The host splits a padded layer into its inner rectangle,
// where no tap can reach the padding and so none is checked, and the frame:
// on lavapipe a masked fetch costs as much as a taken one, and the checks cost
// ~25 % of a stride-2 3x3 layer (bench/README.md).
int regionPixels() {
    const int inner = (pc.innerY1 - pc.innerY0) * (pc.innerX1 - pc.innerX0);
    return PADDED == 0 ? inner : pc.outH * pc.outW - inner;
}

// Output row and column of the r-th pixel of the region. The frame runs: the
// rows above the rectangle, the rows below it, then the left and right parts
// of the rows beside it.
ivec2 regionPixel(int r) {
    if (PADDED == 0) {
        const int w = pc.innerX1 - pc.innerX0;
        const int y = r / w;
        return ivec2(pc.innerY0 + y, pc.innerX0 + r - y * w);
    }
    const int above = pc.innerY0 * pc.outW;
    const int below = (pc.outH - pc.innerY1) * pc.outW;
    if (r < above + below) {
        const bool isBelow = r >= above;
        const int s = isBelow ? r - above : r;
        const int y = s / pc.outW;
        return ivec2((isBelow ? pc.innerY1 : 0) + y, s - y * pc.outW);
    }
    const int left = pc.innerX0;
    const int side = max(left + pc.outW - pc.innerX1, 1);  // 1: never used, keeps the masked division defined
    const int s = r - above - below;
    const int y = s / side;
    const int c = s - y * side;
    return ivec2(pc.innerY0 + y, c < left ? c : pc.innerX1 + c - left);
}

// Texel of output channel co's first weight (k = 0) in its set. Weights are
// blocks of WEIGHT_BLOCK output channels, channel fastest within a block: the
// texel for (co, k) is ((co / B) * K + k) * B + co % B, K = inC4 * taps texels
// per channel, so k steps B texels. The channels one subgroup reads at one k
// lie side by side and the next k follows them: one stream a prefetcher keeps
// up with, where plain rows (B = 1) are as many streams as channels.
int weightOrigin(int weightSet, int co, int weightRow) {
    return weightSet + (co / WEIGHT_BLOCK) * weightRow * WEIGHT_BLOCK + co % WEIGHT_BLOCK;
}

// Image (batch item) and output (row, column) of the q-th pixel of the region;
// pixels past the end repeat the last one: computed, never stored.
void regionPlace(int q, int pixelsTotal, int regionPlane, int firstItem, out int item, out ivec2 pos) {
    q = min(q, pixelsTotal - 1);
    const int n = q / regionPlane;
    pos = regionPixel(q - n * regionPlane);
    item = n + firstItem;
}

// The same for the PIXELS consecutive pixels from p0. lavapipe runs an integer
// division as one scalar division per lane, so in the inner rectangle only the
// first pixel divides and the others step along its rows.
void tilePlaces(int p0, int pixelsTotal, int regionPlane, int firstItem, out int item[PIXELS], out ivec2 pos[PIXELS]) {
    regionPlace(p0, pixelsTotal, regionPlane, firstItem, item[0], pos[0]);
    for (int p = 1; p < PIXELS; ++p) {
        if (PADDED != 0) {
            regionPlace(p0 + p, pixelsTotal, regionPlane, firstItem, item[p], pos[p]);
            continue;
        }
        ivec2 o = pos[p - 1];
        int n = item[p - 1];
        if (p0 + p < pixelsTotal) {
            o.y += 1;
            if (o.y == pc.innerX1) o = ivec2(o.x + 1, pc.innerX0);  // the next row
            if (o.x == pc.innerY1) {                                  // the next image
                o.x = pc.innerY0;
                n += 1;
            }
        }
        item[p] = n;
        pos[p] = o;
    }
}

// base: texel index of (n, 0, iy0, ix0), may point outside when padded.
void originOf(int item, ivec2 pos, out int base, out int iy0, out int ix0) {
    iy0 = pos.x * SH - pc.padTop;
    ix0 = pos.y * SW - pc.padLeft;
    base = item * pc.inC4 * pc.inH * pc.inW + iy0 * pc.inW + ix0;
}

void pixelOrigin(int q, int pixelsTotal, int regionPlane, int firstItem, out int base, out int iy0, out int ix0) {
    int item;
    ivec2 pos;
    regionPlace(q, pixelsTotal, regionPlane, firstItem, item, pos);
    originOf(item, pos, base, iy0, ix0);
}

// The input texel a pixel with origin (base, iy0, ix0) reads at tap (ky, kx);
// zero outside the picture (padding). Needs inTex, DH, DW and PADDED.
vec4 tapInput(int base, int iy0, int ix0, int ky, int kx, int tapOffset) {
    if (PADDED == 0) return imageLoad(inTex, base + tapOffset);
    const int iy = iy0 + ky * DH;
    const int ix = ix0 + kx * DW;
    const bool inside = iy >= 0 && iy < pc.inH && ix >= 0 && ix < pc.inW;
    // An unconditional fetch (of a texel that exists) and a select: a fetch
    // under ?: is a branch in SPIR-V, which lavapipe runs as masked code with
    // the result stored under the mask (bench/README.md, 2026-12-08).
    const int at = base + tapOffset;
    const vec4 texel = imageLoad(inTex, inside ? at : 0);
    return inside ? texel : vec4(0.0);
}

void pixelOrigins(int p0, int pixelsTotal, int regionPlane, int firstItem, out int base[PIXELS],
                  out int iy0[PIXELS], out int ix0[PIXELS]) {
    int item[PIXELS];
    ivec2 pos[PIXELS];
    tilePlaces(p0, pixelsTotal, regionPlane, firstItem, item, pos);
    for (int p = 0; p < PIXELS; ++p) originOf(item[p], pos[p], base[p], iy0[p], ix0[p]);
}

void storeTile(int co4First, int p0, int pixelsTotal, int regionPlane, int firstItem,
               float acc[OC_TEXELS * 4][PIXELS]) {
    const int outPlane = pc.outH * pc.outW;
    // Each pixel's place once, not once per output texel (divisions: tilePlaces).
    int item[PIXELS];
    ivec2 pos[PIXELS];
    tilePlaces(p0, pixelsTotal, regionPlane, firstItem, item, pos);
    int pixelIndex[PIXELS];
    for (int p = 0; p < PIXELS; ++p) pixelIndex[p] = item[p] * pc.outC4 * outPlane + pos[p].x * pc.outW + pos[p].y;
    for (int t = 0; t < OC_TEXELS; ++t) {
        const int co4 = co4First + t;
        if (co4 >= pc.outC4) break;
        const vec4 bias = epilogueBias(co4);
        for (int p = 0; p < PIXELS; ++p) {
            if (p0 + p >= pixelsTotal) break;
            const int index = pixelIndex[p] + co4 * outPlane;
            const vec4 v = vec4(acc[t * 4][p], acc[t * 4 + 1][p], acc[t * 4 + 2][p], acc[t * 4 + 3][p]) + bias;
            outData[index] = store4(epilogueFinish(v, index));
        }
    }
}

#endif
