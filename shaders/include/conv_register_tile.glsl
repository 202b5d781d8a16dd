// What the register-tiled convolutions (conv2d.comp: pixels across lanes,
// conv2d_lanes.comp: output channels across lanes) share: where each of an
// invocation's PIXELS output pixels reads its input, and the store of its
// OC_TEXELS*4 x PIXELS accumulators with bias, residual and ReLU. Include after
// the kernel's OC_TEXELS/PIXELS, specialisation constants (SH, SW, DH, DW, PADDED)
// and bindings.
#ifndef RESVK_CONV_REGISTER_TILE_GLSL
#define RESVK_CONV_REGISTER_TILE_GLSL

// base: texel index of (n, 0, iy0, ix0), may point outside when padded.
// Pixels past the end repeat the last one: computed, never stored.
void pixelOrigin(int q, int pixelsTotal, int outPlane, int firstItem, out int base, out int iy0, out int ix0) {
    q = min(q, pixelsTotal - 1);
    int n = q / outPlane;
    int r = q - n * outPlane;
    n += firstItem;
    int oy = r / pc.outW;
    int ox = r - oy * pc.outW;
    iy0 = oy * SH - pc.padTop;
    ix0 = ox * SW - pc.padLeft;
    base = n * pc.inC4 * pc.inH * pc.inW + iy0 * pc.inW + ix0;
}

// The input texel a pixel with origin (base, iy0, ix0) reads at tap (ky, kx);
// zero outside the picture (padding). Needs inTex, DH, DW and PADDED.
vec4 tapInput(int base, int iy0, int ix0, int ky, int kx, int tapOffset) {
    if (PADDED == 0) return texelFetch(inTex, base + tapOffset);
    int iy = iy0 + ky * DH;
    int ix = ix0 + kx * DW;
    bool inside = iy >= 0 && iy < pc.inH && ix >= 0 && ix < pc.inW;
    return inside ? texelFetch(inTex, base + tapOffset) : vec4(0.0);
}

void pixelOrigins(int p0, int pixelsTotal, int outPlane, int firstItem, out int base[PIXELS], out int iy0[PIXELS],
                  out int ix0[PIXELS]) {
    for (int p = 0; p < PIXELS; ++p) pixelOrigin(p0 + p, pixelsTotal, outPlane, firstItem, base[p], iy0[p], ix0[p]);
}

void storeTile(int co4First, int p0, int pixelsTotal, int outPlane, int firstItem,
               float acc[OC_TEXELS * 4][PIXELS]) {
    for (int t = 0; t < OC_TEXELS; ++t) {
        const int co4 = co4First + t;
        if (co4 >= pc.outC4) break;
        vec4 bias = pc.hasBias != 0 ? texelFetch(biasTex, co4) : vec4(0.0);
        for (int p = 0; p < PIXELS; ++p) {
            int q = p0 + p;
            if (q >= pixelsTotal) break;
            int n = q / outPlane;
            int r = q - n * outPlane;
            n += firstItem;
            int index = (n * pc.outC4 + co4) * outPlane + r;
            vec4 v = vec4(acc[t * 4][p], acc[t * 4 + 1][p], acc[t * 4 + 2][p], acc[t * 4 + 3][p]) + bias;
            if (pc.hasResidual != 0) v += texelFetch(residualTex, index);
            if (pc.relu != 0) v = max(v, vec4(0.0));
            outData[index] = store4(v);
        }
    }
}

#endif
