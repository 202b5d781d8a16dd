#version 450
// Convolution (group 1) as an implicit GEMM, register-tiled: each invocation
// computes OC_TEXELS*4 output channels for PIXELS output pixels, so every
// texel fetched feeds several FMAs. Pixels run over batch*outH*outW, so batch
// grows the GEMM instead of repeating it. Weights are texels of four input
// channels, k = (ci4 * KH + ky) * KW + kx, in blocks of WEIGHT_BLOCK output
// channels (weightOrigin; 1: w[co * inC4 * KH * KW + k]).
// Bindings: 0 out (SSBO), 1 input, 2 weights, 3 bias (texel per c4), 4 residual.
//
// SUBGROUP_WEIGHTS: every lane of a subgroup needs the same weight texels, so
// instead of each lane fetching all of them, lane l fetches rows l, l+SG, ...
// and the others receive them with subgroupShuffle. On lavapipe a fetch is a
// gather across the SIMD row while a shuffle is a register permute, so this
// cuts the fetches per FMA several-fold. Needs local size == subgroup size and
// OC a multiple of it, so every lane reaches every shuffle.
//
// TILE_QUEUE (with SUBGROUP_WEIGHTS): workgroups claim their tiles from a queue
// at binding 5 (tile_queue.glsl), so a CPU driver's threads share the work
// by who is free rather than by fixed halves.
#include "conv_params.h"
#include "precision.glsl"
#include "tensor.glsl"

#ifndef OC_TEXELS
#define OC_TEXELS 2
#endif
#ifndef PIXELS
#define PIXELS 4
#endif
#define OC (OC_TEXELS * 4)

#ifdef SUBGROUP_WEIGHTS
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_KHR_shader_subgroup_basic : require
layout(constant_id = 8) const int SG = 8;   // subgroup size
const int ROWS_PER_LANE = OC / SG;
#endif

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int KH = 3;
layout(constant_id = 2) const int KW = 3;
layout(constant_id = 3) const int SH = 1;
layout(constant_id = 4) const int SW = 1;
layout(constant_id = 5) const int DH = 1;
layout(constant_id = 6) const int DW = 1;
layout(constant_id = 7) const int PADDED = 1;  // 0: no padding, every tap is inside
// 1: a batch of independent GEMMs (Winograd's 16): batch item = grid z
// uses its own weights, weightBatchStride texels further on.
layout(constant_id = 9) const int WEIGHT_BATCHED = 0;
layout(constant_id = 10) const int EPILOGUE = 0;  // RESVK_EPILOGUE_* bits
// Channels the input texels hold: 4, or 1-3 for a layer with fewer input
// channels than one texel (an RGB stem), whose unused lanes are zero in inputs
// and weights alike. lavapipe compiles every multiply and add (it has no FMA
// contraction): leaving out the empty lane takes a quarter of a stem's arithmetic.
layout(constant_id = 11) const int IN_LANES = 4;
// Workgroup order: 0 pixel blocks fastest (grid x), channel groups along grid y;
// 1 the other way round, so that consecutive workgroups share a block of input
// in cache (vk::DeviceTraits::channelsFirstInputBytes says when).
layout(constant_id = 12) const int CHANNELS_FASTEST = 0;
// Weights come in blocks of WEIGHT_BLOCK output channels (vk::DeviceTraits::weightBlock;
// 1: plain rows): see weightOrigin in conv_register_tile.glsl.
layout(constant_id = 13) const int WEIGHT_BLOCK = 1;

layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
layout(binding = 1, TEXEL_FORMAT) uniform readonly imageBuffer inTex;
layout(binding = 2, TEXEL_FORMAT) uniform readonly imageBuffer weightTex;
layout(binding = 3, TEXEL_FORMAT) uniform readonly imageBuffer biasTex;
layout(binding = 4, TEXEL_FORMAT) uniform readonly imageBuffer residualTex;

#include "conv_register_tile.glsl"
#define TILE_QUEUE_BINDING 5

float dotInput(vec4 w, vec4 x) {
    if (IN_LANES == 1) return w.x * x.x;
    if (IN_LANES == 2) return dot(w.xy, x.xy);
    if (IN_LANES == 3) return dot(w.xyz, x.xyz);
    return dot(w, x);
}

// The output tile of workgroup `group` (x, y as the host's grid orders them; z
// the weight set of a batched GEMM).
void workgroup(uvec3 group, uvec3 grid) {
    const int regionPlane = regionPixels();
    const int firstItem = WEIGHT_BATCHED != 0 ? int(group.z) : 0;
    const int pixelsTotal = WEIGHT_BATCHED != 0 ? regionPlane : pc.batch * regionPlane;
    const uint pixelGroup = CHANNELS_FASTEST != 0 ? group.y : group.x;
    const uint channelGroup = CHANNELS_FASTEST != 0 ? group.x : group.y;
    const int p0 = int(pixelGroup * gl_WorkGroupSize.x + gl_LocalInvocationID.x) * PIXELS;
    const int co4First = int(channelGroup) * OC_TEXELS;
#ifndef SUBGROUP_WEIGHTS
    if (p0 >= pixelsTotal || co4First >= pc.outC4) return;
#endif

    const int inPlane = pc.inH * pc.inW;
    int base[PIXELS];
    int iy0[PIXELS];
    int ix0[PIXELS];
    pixelOrigins(p0, pixelsTotal, regionPlane, firstItem, base, iy0, ix0);

    float acc[OC][PIXELS];
    for (int o = 0; o < OC; ++o)
        for (int p = 0; p < PIXELS; ++p) acc[o][p] = 0.0;

    const int taps = KH * KW;
    const int weightRow = pc.inC4 * taps;
    const int weightSet = firstItem * pc.weightBatchStride;
#ifdef SUBGROUP_WEIGHTS
    const int lane = int(gl_SubgroupInvocationID);
    int weightBase[ROWS_PER_LANE];
    for (int j = 0; j < ROWS_PER_LANE; ++j)
        weightBase[j] = weightOrigin(weightSet, min(co4First * 4 + j * SG + lane, pc.outC4 * 4 - 1), weightRow);
#else
    int weightBase[OC];
    for (int o = 0; o < OC; ++o)
        weightBase[o] = weightOrigin(weightSet, min(co4First * 4 + o, pc.outC4 * 4 - 1), weightRow);
#endif

    // Fewer than four lanes means a single input texel: a constant trip count,
    // so the loop disappears and nothing in it runs under a mask.
    const int channelTexels = IN_LANES < 4 ? 1 : pc.inC4;
    for (int ci4 = 0; ci4 < channelTexels; ++ci4) {
        const int planeOffset = ci4 * inPlane;
        for (int ky = 0; ky < KH; ++ky) {
            for (int kx = 0; kx < KW; ++kx) {
                const int tapOffset = planeOffset + ky * DH * pc.inW + kx * DW;
                vec4 x[PIXELS];
                for (int p = 0; p < PIXELS; ++p) x[p] = tapInput(base[p], iy0[p], ix0[p], ky, kx, tapOffset);
                const int wOffset = (ci4 * taps + ky * KW + kx) * WEIGHT_BLOCK;
#ifdef SUBGROUP_WEIGHTS
                vec4 rows[ROWS_PER_LANE];
                for (int j = 0; j < ROWS_PER_LANE; ++j) rows[j] = imageLoad(weightTex, weightBase[j] + wOffset);
                for (int o = 0; o < OC; ++o) {
                    vec4 w = subgroupShuffle(rows[o / SG], uint(o % SG));
                    for (int p = 0; p < PIXELS; ++p) acc[o][p] += dotInput(w, x[p]);
                }
#else
                for (int o = 0; o < OC; ++o) {
                    vec4 w = imageLoad(weightTex, weightBase[o] + wOffset);
                    for (int p = 0; p < PIXELS; ++p) acc[o][p] += dotInput(w, x[p]);
                }
#endif
            }
        }
    }

    if (p0 >= pixelsTotal) return;
    storeTile(co4First, p0, pixelsTotal, regionPlane, firstItem, acc);
}

#include "workgroup_main.glsl"
