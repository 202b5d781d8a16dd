#version 450
// Decoded frame (or a rectangle of it: srcX, srcY and the taps' extent) -> network
// input, in one pass per output pixel: PIL's antialiased
// bilinear resize of the short side + centre crop (per-axis taps and normalised
// weights precomputed on the host, the same ones classify/preprocess.cpp uses),
// evaluated directly in 2-D; colour conversion (YUV matrix + range, chroma
// upsampling) per tap, clamped to [0, 255] like an 8-bit RGB picture; then
// scale, mean and std. Lane 3 of every output texel is 0.
#include "preprocess_params.h"
#include "precision.glsl"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1) uniform samplerBuffer planes;  // R8_UNORM bytes
layout(binding = 2) uniform samplerBuffer table;   // RGBA32F

// Component c at (x, y) in its own plane's coordinates (chroma ones subsampled).
float component(int c, int x, int y) {
    return texelFetch(planes, pc.compStart[c] + y * pc.compStride[c] + x * pc.compStep[c]).r;
}

// Chroma component c at luma pixel (x, y), bilinear between the nearest samples.
float chromaBilinear(int c, int x, int y) {
    vec2 f = (vec2(x, y) + 0.5 - vec2(pc.chromaSiteX, pc.chromaSiteY)) /
             vec2(1 << pc.chromaShiftX, 1 << pc.chromaShiftY);
    vec2 f0 = floor(f);
    vec2 a = f - f0;
    ivec2 lo = clamp(ivec2(f0), ivec2(0), ivec2(pc.chromaWidth - 1, pc.chromaHeight - 1));
    ivec2 hi = clamp(ivec2(f0) + 1, ivec2(0), ivec2(pc.chromaWidth - 1, pc.chromaHeight - 1));
    float top = mix(component(c, lo.x, lo.y), component(c, hi.x, lo.y), a.x);
    float bottom = mix(component(c, lo.x, hi.y), component(c, hi.x, hi.y), a.x);
    return mix(top, bottom, a.y);
}

vec3 rgbAt(int x, int y, mat3 m, vec3 offset) {
    vec3 yuv;
    yuv.x = component(0, x, y);
    if ((pc.flags & PREPROCESS_GRAY) != 0) {
        yuv.yz = vec2(0.0);
    } else if ((pc.flags & PREPROCESS_CHROMA_BILINEAR) != 0) {
        yuv.y = chromaBilinear(1, x, y);
        yuv.z = chromaBilinear(2, x, y);
    } else {
        yuv.y = component(1, x >> pc.chromaShiftX, y >> pc.chromaShiftY);
        yuv.z = component(2, x >> pc.chromaShiftX, y >> pc.chromaShiftY);
    }
    return clamp(m * yuv + offset, vec3(0.0), vec3(255.0));
}

void main() {
    int index = flatInvocation();
    if (index >= pc.outWidth * pc.outHeight) return;
    int ox = index % pc.outWidth, oy = index / pc.outWidth;
    vec4 r0 = texelFetch(table, 0), r1 = texelFetch(table, 1), r2 = texelFetch(table, 2);
    // GLSL matrices are column-major: column j holds component j's weights.
    mat3 m = mat3(r0.x, r1.x, r2.x, r0.y, r1.y, r2.y, r0.z, r1.z, r2.z);
    vec3 offset = vec3(r0.w, r1.w, r2.w);
    ivec4 hx = ivec4(texelFetch(table, pc.xHeaders + ox));  // first, count, weight texel
    ivec4 hy = ivec4(texelFetch(table, pc.yHeaders + oy));

    vec3 sum = vec3(0.0);
    for (int j = 0; j < hy.y; ++j) {
        float wy = texelFetch(table, hy.z + (j >> 2))[j & 3];
        vec3 row = vec3(0.0);
        for (int i = 0; i < hx.y; ++i) {
            float wx = texelFetch(table, hx.z + (i >> 2))[i & 3];
            row += wx * rgbAt(pc.srcX + hx.x + i, pc.srcY + hy.x + j, m, offset);
        }
        sum += wy * row;
    }
    // Outside the resized picture (crop larger than it) both CPU and GPU give 0.
    vec3 scale = texelFetch(table, 3).xyz, bias = texelFetch(table, 4).xyz;
    outData[pc.dstBase + index] = store4(vec4(sum * scale + bias, 0.0));
}
