// main() for a kernel written as `void workgroup(uvec3 group, uvec3 grid)`:
// the work of workgroup `group` of a `grid` of them. Built plainly, each
// workgroup of the dispatch runs its own; built with TILE_QUEUE, the few
// workgroups launched take grid workgroups from a queue at binding
// TILE_QUEUE_BINDING (tile_queue.glsl) until none is left, so a CPU driver's
// threads share the dispatch by who is free. Include after workgroup().
#ifndef RESVK_WORKGROUP_MAIN_GLSL
#define RESVK_WORKGROUP_MAIN_GLSL

#ifdef TILE_QUEUE
#include "tile_queue.glsl"
void main() {
    TileCursor cursor = tileCursor();
    uvec3 group;
    while (nextTile(cursor, group)) workgroup(group, cursor.grid);
}
#else
void main() { workgroup(gl_WorkGroupID, gl_NumWorkGroups); }
#endif

#endif
