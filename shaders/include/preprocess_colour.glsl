// RGB of one source pixel from a frame's raw planes, as preprocess_rows.comp
// (network input) and display.comp (the viewer) both read it, so the window
// shows exactly the colours the network got. The including shader declares
// `planes` (the bytes as R32UI words of a storage texel buffer: lavapipe inlines
// imageLoad, where every texelFetch of an R8 view was a call that sent the
// shader's sums to the stack and back), the PreprocessParams push constants `pc` and
// PREPROCESS_FLAGS: pc.flags as a specialisation constant, because lavapipe runs
// both sides of an `if` under a mask even when no lane takes one, so each layout
// gets a pipeline holding only its own path.
#ifndef RESVK_PREPROCESS_COLOUR_GLSL
#define RESVK_PREPROCESS_COLOUR_GLSL

// Component c at (x, y) in its own plane's coordinates (chroma ones subsampled).
float component(int c, int x, int y) {
    const int byteIndex = pc.compStart[c] + y * pc.compStride[c] + x * pc.compStep[c];
    const uint word = imageLoad(planes, byteIndex >> 2).r;
    return float((word >> (8 * (byteIndex & 3))) & 0xffu) / 255.0;  // as an R8_UNORM read converts
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

// The colour matrix rows from table texels 0..2 (see preprocess_params.h).
// GLSL matrices are column-major: column j holds component j's weights.
mat3 colourMatrix(vec4 r0, vec4 r1, vec4 r2) {
    return mat3(r0.x, r1.x, r2.x, r0.y, r1.y, r2.y, r0.z, r1.z, r2.z);
}

// RGB in [0, 255] at source pixel (x, y), clamped like an 8-bit RGB picture.
vec3 rgbAt(int x, int y, mat3 m, vec3 offset) {
    vec3 yuv;
    yuv.x = component(0, x, y);
    if ((PREPROCESS_FLAGS & PREPROCESS_GRAY) != 0) {
        yuv.yz = vec2(0.0);
    } else if ((PREPROCESS_FLAGS & PREPROCESS_CHROMA_BILINEAR) != 0) {
        yuv.y = chromaBilinear(1, x, y);
        yuv.z = chromaBilinear(2, x, y);
    } else {  // chroma at full resolution (or nearest, should a layout ask for it)
        yuv.y = component(1, x >> pc.chromaShiftX, y >> pc.chromaShiftY);
        yuv.z = component(2, x >> pc.chromaShiftX, y >> pc.chromaShiftY);
    }
    return clamp(m * yuv + offset, vec3(0.0), vec3(255.0));
}

#endif
