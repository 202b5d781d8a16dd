#version 450
// Decoded frame -> RGBA8 picture for the viewer, one invocation per source pixel,
// from the same raw planes and colour matrix the network's preprocessing reads
// (layout in preprocess_params.h), converted by the same code as its first pass
// (preprocess_colour.glsl): the window shows exactly the upload the network
// consumed, at the frame's own resolution (the blit to the window scales).
#include "preprocess_params.h"
#include "tensor.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int LAYOUT_FLAGS = 0;  // pc.flags (see preprocess_colour.glsl)
#define PREPROCESS_FLAGS LAYOUT_FLAGS
layout(std430, binding = 0) writeonly buffer Out { uint outPixels[]; };  // RGBA8, row-major srcWidth x srcHeight
layout(binding = 1, r32ui) uniform readonly uimageBuffer planes;  // the bytes, in R32UI words
layout(binding = 2) uniform samplerBuffer table;   // RGBA32F; texels 0..2: colour matrix rows

#include "preprocess_colour.glsl"

void main() {
    int index = flatInvocation();
    if (index >= pc.srcWidth * pc.srcHeight) return;
    int x = index % pc.srcWidth, y = index / pc.srcWidth;
    vec4 r0 = texelFetch(table, 0), r1 = texelFetch(table, 1), r2 = texelFetch(table, 2);
    vec3 rgb = rgbAt(x, y, colourMatrix(r0, r1, r2), vec3(r0.w, r1.w, r2.w)) / 255.0;
    outPixels[index] = packUnorm4x8(vec4(rgb, 1.0));
}
