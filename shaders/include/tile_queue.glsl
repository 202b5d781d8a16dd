// Workgroups that take their tiles from a queue instead of from gl_WorkGroupID
// (vk::KernelKey::tileQueue). A CPU driver hands each of its threads a fixed
// share of a dispatch's workgroups (lavapipe: an equal run each), so a thread
// that runs slower, or starts later, leaves the others idle at the end of every
// dispatch (10-15 % of ResNet-50's time on a 2-core lavapipe, bench/README.md).
// Claimed from a counter, tiles go to whichever thread is free: the host
// launches a few workgroups, each takes tiles while any are left, and the
// threads finish together. Tiles go in chunks of consecutive ones (a row of the
// grid where rows are many), so that a thread keeps working on the input or
// weights it has in cache, as with a fixed share.
//
// The queue is a uint[8] at binding TILE_QUEUE_BINDING: the next unclaimed
// chunk, the grid (x, y, z) the tiles number (x fastest), the tiles per chunk,
// and the most chunks one workgroup may take. That limit is lavapipe's: gallivm
// ends all loops of an invocation after 65535 iterations in all (one budget,
// LP_MAX_TGSI_LOOP_ITERATIONS), so a workgroup that went on to too many tiles
// would silently stop computing them (ops/conv.cpp sets it).
// A workgroup must be one subgroup (the host pins its size): lane 0 claims, the
// others receive the chunk by a shuffle, so every lane computes the same tile.
#ifndef RESVK_TILE_QUEUE_GLSL
#define RESVK_TILE_QUEUE_GLSL
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_shuffle : require

layout(binding = TILE_QUEUE_BINDING, r32ui) uniform uimageBuffer tileQueue;

struct TileCursor {
    uvec3 grid;
    uint total;       // tiles in the grid
    uint chunk;       // tiles per claim
    uint claimsLeft;  // claims this workgroup may still make
    uint next, end;   // the tiles [next, end) of its current chunk
};

TileCursor tileCursor() {
    TileCursor c;
    c.grid = uvec3(imageLoad(tileQueue, 1).x, imageLoad(tileQueue, 2).x, imageLoad(tileQueue, 3).x);
    c.total = c.grid.x * c.grid.y * c.grid.z;
    c.chunk = imageLoad(tileQueue, 4).x;
    c.claimsLeft = imageLoad(tileQueue, 5).x;
    c.next = c.end = 0u;
    return c;
}

// The workgroup's next tile as a workgroup id of the grid; false once it may
// take no more or none is left.
bool nextTile(inout TileCursor c, out uvec3 group) {
    if (c.next == c.end) {
        if (c.claimsLeft == 0u) return false;
        --c.claimsLeft;
        uint claim = 0u;
        if (gl_SubgroupInvocationID == 0u) claim = imageAtomicAdd(tileQueue, 0, 1u);
        claim = subgroupShuffle(claim, 0u);
        if (claim >= (c.total + c.chunk - 1u) / c.chunk) {
            c.claimsLeft = 0u;
            return false;
        }
        c.next = claim * c.chunk;
        c.end = min(c.next + c.chunk, c.total);
    }
    const uint tile = c.next++;
    const uint plane = c.grid.x * c.grid.y;
    group = uvec3(tile % c.grid.x, (tile % plane) / c.grid.x, tile / plane);
    return true;
}
#endif
