// Pack4 tensor layout shared by every kernel: channels are grouped in fours, and
// texel (n, c4, y, x) sits at ((n * C4 + c4) * H + y) * W + x, each texel holding
// channels 4*c4 .. 4*c4+3. Lanes past the real channel count are kept at zero.
#ifndef RESVK_TENSOR_GLSL
#define RESVK_TENSOR_GLSL

int c4Of(int channels) { return (channels + 3) / 4; }

int texelCount(ivec4 shape) { return shape.x * c4Of(shape.y) * shape.z * shape.w; }

int texelIndex(ivec4 shape, int n, int c4, int y, int x) {
    return ((n * c4Of(shape.y) + c4) * shape.z + y) * shape.w + x;
}

// (n, c4, y, x) of a texel index.
ivec4 texelCoord(ivec4 shape, int index) {
    int x = index % shape.w;
    index /= shape.w;
    int y = index % shape.z;
    index /= shape.z;
    int c4s = c4Of(shape.y);
    return ivec4(index / c4s, index % c4s, y, x);
}

// One scalar element at logical coordinates (n, c, y, x).
float fetchScalar(samplerBuffer t, ivec4 shape, ivec4 coord) {
    vec4 v = texelFetch(t, texelIndex(shape, coord.x, coord.y / 4, coord.z, coord.w));
    return v[coord.y & 3];
}

// (a / d, a % d) for 0 <= a < 2^22 and d > 0. lavapipe divides integers one
// lane at a time (a scalar division per lane); a float quotient and one
// correction step stay in vector registers. Below 2^22 a float quotient within
// Vulkan's 2.5 ULP of a / d truncates to the quotient or one off it, which the
// step mends; lavapipe divides exactly, so there only GPUs take the step.
ivec2 divMod(int a, int d) {
    int q = int(float(a) / float(d));
    int r = a - q * d;
    if (r < 0) {
        q -= 1;
        r += d;
    } else if (r >= d) {
        q += 1;
        r -= d;
    }
    return ivec2(q, r);
}

// The workgroup width again (specialisation constant 0 sets the real one):
// lavapipe does not specialise gl_WorkGroupSize from local_size_x_id, so the
// runtime feeds the same value here (see vk/kernel.cpp).
layout(constant_id = 15) const uint LOCAL_SIZE_X = 64u;

// Flat invocation index over a 2-D grid (one dimension caps at 65535 groups):
// of this invocation in workgroup `group` of `grid` (workgroup_main.glsl), or
// in the dispatch's own.
int flatInvocationOf(uvec3 group, uvec3 grid) {
    return int((group.y * grid.x + group.x) * LOCAL_SIZE_X + gl_LocalInvocationID.x);
}

int flatInvocation() { return flatInvocationOf(gl_WorkGroupID, gl_NumWorkGroups); }

#endif
