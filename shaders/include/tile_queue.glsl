// Workgroups that take their tiles from a queue instead of from gl_WorkGroupID
// (vk::KernelKey::tileQueue). A CPU driver hands each of its threads a fixed
// share of a dispatch's workgroups (lavapipe: an equal run each), so a thread
// that runs slower, or starts later, leaves the others idle at the end of every
// dispatch (10-15 % of ResNet-50's time on a 2-core lavapipe, bench/README.md).
// Claimed from a counter, tiles go to whichever thread is free: the host
// launches a few workgroups, each takes tiles while any are left, and the
// threads finish together. Tiles go in chunks of consecutive ones (a row of the
// grid where rows are many), so that a thread keeps working on the input or
// weights it has in cache, as with a fixed share. And the queue has two ends:
// the first half of the launched workgroups (lavapipe's first thread, of two)
// claims chunks from the front, the second half from the back, so that with
// threads of equal speed each works through the half of the grid a fixed share
// would give it (the half whose input it likely wrote, in cache), and the
// two meet wherever the speeds say. Claimed from one end only, chunks
// alternated between the threads: Winograd transforms ran 10-45 % slower.
//
// The queue is a uint[8] at binding TILE_QUEUE_BINDING: the chunks claimed, the
// grid (x, y, z) the tiles number (x fastest), the tiles per chunk, the most
// chunks one workgroup may take, the chunks claimed from the front and from
// the back; the host resets it before every dispatch. The limit per workgroup
// is lavapipe's: gallivm ends all loops of an invocation after 65535 iterations
// in all (one budget, LP_MAX_TGSI_LOOP_ITERATIONS), so a workgroup that went on
// to too many tiles would silently stop computing them (ops/conv.cpp and
// ops/winograd.cpp set it).
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
    uint chunks;      // claims in all
    bool fromBack;    // which end of the queue this workgroup claims from
    uint claimsLeft;  // claims this workgroup may still make
    uint next, end;   // the tiles [next, end) of its current chunk
    uvec3 at;         // tile `next` as a workgroup id
};

TileCursor tileCursor() {
    TileCursor c;
    c.grid = uvec3(imageLoad(tileQueue, 1).x, imageLoad(tileQueue, 2).x, imageLoad(tileQueue, 3).x);
    c.total = c.grid.x * c.grid.y * c.grid.z;
    c.chunk = imageLoad(tileQueue, 4).x;
    c.claimsLeft = imageLoad(tileQueue, 5).x;
    c.chunks = (c.total + c.chunk - 1u) / c.chunk;
    c.fromBack = 2u * gl_WorkGroupID.x >= gl_NumWorkGroups.x;
    c.next = c.end = 0u;
    c.at = uvec3(0u);
    return c;
}

// The workgroup's next tile as a workgroup id of the grid; false once it may
// take no more or none is left.
bool nextTile(inout TileCursor c, out uvec3 group) {
    if (c.next == c.end) {
        if (c.claimsLeft == 0u) return false;
        --c.claimsLeft;
        // Counted first, so that front and back together never take more
        // chunks than there are: then the two ends cannot meet on one chunk.
        uint claim = c.chunks;
        if (gl_SubgroupInvocationID == 0u && imageAtomicAdd(tileQueue, 0, 1u) < c.chunks)
            claim = c.fromBack ? c.chunks - 1u - imageAtomicAdd(tileQueue, 7, 1u) : imageAtomicAdd(tileQueue, 6, 1u);
        claim = subgroupShuffle(claim, 0u);
        if (claim >= c.chunks) {
            c.claimsLeft = 0u;
            return false;
        }
        c.next = claim * c.chunk;
        c.end = min(c.next + c.chunk, c.total);
        // Divided once per chunk, then stepped (lavapipe divides lane by lane,
        // in scalar code).
        const uint plane = c.grid.x * c.grid.y;
        c.at = uvec3(c.next % c.grid.x, (c.next % plane) / c.grid.x, c.next / plane);
    }
    group = c.at;
    ++c.next;
    if (++c.at.x == c.grid.x) {
        c.at.x = 0u;
        if (++c.at.y == c.grid.y) {
            c.at.y = 0u;
            ++c.at.z;
        }
    }
    return true;
}
#endif
