#version 450
// Decoded frame -> RGBA8 picture for the viewer, one invocation per source pixel,
// from the same raw planes and colour matrix the network's preprocess.comp reads
// (layout in preprocess_params.h): the window shows exactly the upload the
// network consumed, at the frame's own resolution (the blit to the window scales).
#include "preprocess_params.h"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(std430, binding = 0) writeonly buffer Out { uint outPixels[]; };  // RGBA8, row-major srcWidth x srcHeight
layout(binding = 1) uniform samplerBuffer planes;  // R8_UNORM bytes
layout(binding = 2) uniform samplerBuffer table;   // RGBA32F; texels 0..2: colour matrix rows

float component(int c, int x, int y) {
    return texelFetch(planes, pc.compStart[c] + y * pc.compStride[c] + x * pc.compStep[c]).r;
}

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

void main() {
    int index = flatInvocation();
    if (index >= pc.srcWidth * pc.srcHeight) return;
    int x = index % pc.srcWidth, y = index / pc.srcWidth;
    vec4 r0 = texelFetch(table, 0), r1 = texelFetch(table, 1), r2 = texelFetch(table, 2);
    mat3 m = mat3(r0.x, r1.x, r2.x, r0.y, r1.y, r2.y, r0.z, r1.z, r2.z);
    vec3 offset = vec3(r0.w, r1.w, r2.w);
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
    vec3 rgb = clamp(m * yuv + offset, vec3(0.0), vec3(255.0)) / 255.0;
    outPixels[index] = packUnorm4x8(vec4(rgb, 1.0));
}
