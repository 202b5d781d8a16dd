#version 450
// Convolution (group 1) as an implicit GEMM with output channels across lanes:
// each invocation computes OC_TEXELS*4 output channels for PIXELS consecutive
// output pixels, and neighbouring lanes take neighbouring channel groups of the
// same pixels. conv2d.comp spreads pixels across lanes instead; that leaves a
// SIMD row mostly idle when a layer has few output pixels (the 14x14 and 7x7
// stages at batch 1, Winograd's small per-tile GEMMs, a batch-1 classifier),
// while here a layer fills every lane as soon as it has 4*OC_TEXELS*lanes
// output channels. All lanes of a row read the same input texels and each its
// own weight rows: PIXELS + 4*OC_TEXELS fetches per 16*OC_TEXELS*PIXELS FMAs.
// Same weight layout, bindings and push constants as conv2d.comp.
//
// TILE_QUEUE (with SUBGROUP_INPUTS): workgroups from a queue at binding 5, as
// in conv2d.comp (workgroup_main.glsl).
//
// SUBGROUP_INPUTS: lane l fetches the input texels of pixels l, l + SG, ... and
// the others receive them with subgroupShuffle, PIXELS / SG fetches per tap
// instead of PIXELS (on lavapipe a fetch is a call to a gather routine, a
// shuffle a register permute). Needs local size == subgroup size, PIXELS <= it
// or a multiple of it, and a whole number of subgroups per
// pixel block (channel groups a multiple of the subgroup size), so that every
// lane of a subgroup works on the same pixels and reaches every shuffle.
#include "conv_params.h"
#include "precision.glsl"
#include "tensor.glsl"

#ifndef OC_TEXELS
#define OC_TEXELS 2
#endif
#ifndef PIXELS
#define PIXELS 8
#endif
#define OC (OC_TEXELS * 4)

#ifdef SUBGROUP_INPUTS
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_KHR_shader_subgroup_basic : require
layout(constant_id = 8) const int SG = 8;  // subgroup size
// Pixels each lane fetches for the others: PIXELS may be a multiple of SG.
const int LANE_PIXELS = (PIXELS + SG - 1) / SG;
#endif

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const int KH = 3;
layout(constant_id = 2) const int KW = 3;
layout(constant_id = 3) const int SH = 1;
layout(constant_id = 4) const int SW = 1;
layout(constant_id = 5) const int DH = 1;
layout(constant_id = 6) const int DW = 1;
layout(constant_id = 7) const int PADDED = 1;  // 0: no padding, every tap is inside
// 1: a batch of independent GEMMs (Winograd's sets): batch item gl_GlobalInvocationID.z
// uses its own weights, weightBatchStride texels further on.
layout(constant_id = 9) const int WEIGHT_BATCHED = 0;
layout(constant_id = 10) const int EPILOGUE = 0;  // RESVK_EPILOGUE_* bits
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

void workgroup(uvec3 group, uvec3 grid) {
    const int regionPlane = regionPixels();
    const int firstItem = WEIGHT_BATCHED != 0 ? int(group.z) : 0;
    const int pixelsTotal = WEIGHT_BATCHED != 0 ? regionPlane : pc.batch * regionPlane;
    const int channelGroups = (pc.outC4 + OC_TEXELS - 1) / OC_TEXELS;
    const int index = flatInvocationOf(group, grid);
    const int co4First = (index % channelGroups) * OC_TEXELS;
    const int p0 = (index / channelGroups) * PIXELS;
    if (p0 >= pixelsTotal) return;

    const int inPlane = pc.inH * pc.inW;
#ifdef SUBGROUP_INPUTS
    int base[PIXELS], iy0[PIXELS], ix0[PIXELS];  // this lane's pixels: p0 + lane, p0 + SG + lane, ...
    for (int j = 0; j < LANE_PIXELS; ++j)
        pixelOrigin(p0 + j * SG + int(gl_SubgroupInvocationID), pixelsTotal, regionPlane, firstItem, base[j], iy0[j],
                    ix0[j]);
#else
    int base[PIXELS];
    int iy0[PIXELS];
    int ix0[PIXELS];
    pixelOrigins(p0, pixelsTotal, regionPlane, firstItem, base, iy0, ix0);
#endif

    float acc[OC][PIXELS];
    for (int o = 0; o < OC; ++o)
        for (int p = 0; p < PIXELS; ++p) acc[o][p] = 0.0;

    const int taps = KH * KW;
    const int weightRow = pc.inC4 * taps;
    const int weightSet = firstItem * pc.weightBatchStride;
    int weightBase[OC];
    for (int o = 0; o < OC; ++o)
        weightBase[o] = weightOrigin(weightSet, min(co4First * 4 + o, pc.outC4 * 4 - 1), weightRow);

    for (int ci4 = 0; ci4 < pc.inC4; ++ci4) {
        const int planeOffset = ci4 * inPlane;
        for (int ky = 0; ky < KH; ++ky) {
            for (int kx = 0; kx < KW; ++kx) {
                const int tapOffset = planeOffset + ky * DH * pc.inW + kx * DW;
                vec4 x[PIXELS];
#ifdef SUBGROUP_INPUTS
                vec4 mine[PIXELS];
                for (int j = 0; j < LANE_PIXELS; ++j) mine[j] = tapInput(base[j], iy0[j], ix0[j], ky, kx, tapOffset);
                for (int p = 0; p < PIXELS; ++p) x[p] = subgroupShuffle(mine[p / SG], uint(p % SG));
#else
                for (int p = 0; p < PIXELS; ++p) x[p] = tapInput(base[p], iy0[p], ix0[p], ky, kx, tapOffset);
#endif
                const int wOffset = (ci4 * taps + ky * KW + kx) * WEIGHT_BLOCK;
                for (int o = 0; o < OC; ++o) {
                    vec4 w = imageLoad(weightTex, weightBase[o] + wOffset);
                    for (int p = 0; p < PIXELS; ++p) acc[o][p] += dot(w, x[p]);
                }
            }
        }
    }

    storeTile(co4First, p0, pixelsTotal, regionPlane, firstItem, acc);
}

#include "workgroup_main.glsl"
