// Which output tile and channel texel an invocation of a Winograd transform
// (winograd{,4}_{input,output}.comp) takes. Include after tensor.glsl.
#ifndef RESVK_WINOGRAD_PLACE_GLSL
#define RESVK_WINOGRAD_PLACE_GLSL

// Normally grid x (then z, past 65535 workgroups) runs over the tiles, a
// workgroup width at a time, and grid y is the channel texel. A layer with at
// most half a workgroup of tiles (a 7x7 stage at batch 1: 4 tiles, on 8 lanes)
// would leave the other lanes idle in every workgroup, while lavapipe computes
// them all: there CHANNELS_PER_GROUP channel texels share a workgroup instead,
// lane l taking tile l % tiles of texel group.y * CHANNELS_PER_GROUP + l / tiles
// (ops/winograd.cpp sets it).
layout(constant_id = 2) const int CHANNELS_PER_GROUP = 1;

// False for a lane past the work.
bool transformPlace(uvec3 group, uvec3 grid, int tiles, int channelTexels, out int t, out int c4) {
    if (CHANNELS_PER_GROUP > 1) {
        const ivec2 q = divMod(int(gl_LocalInvocationID.x), tiles);
        t = q.y;
        c4 = int(group.y) * CHANNELS_PER_GROUP + q.x;
        return q.x < CHANNELS_PER_GROUP && c4 < channelTexels;
    }
    t = int((group.z * grid.x + group.x) * LOCAL_SIZE_X + gl_LocalInvocationID.x);
    c4 = int(group.y);
    return t < tiles;
}

#endif
