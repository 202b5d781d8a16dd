#ifndef RESVK_CONV_TILED_PARAMS_H
#define RESVK_CONV_TILED_PARAMS_H
#include "params_macros.h"
#ifdef __cplusplus
namespace resvk::shaders {
#endif
// The GPU convolution kernels (conv_tiled.comp, conv_coopmat.comp) and the
// split-K reduction (conv_split_reduce.comp). The GEMM is pixels (batch * outH *
// outW) x output channels x K, where K runs over input texels x kernel taps:
// k = ci4 * KH * KW + ky * KW + kx, the order of the packed weights.
RESVK_PARAMS(TiledConvParams) {
    int batch;
    int inC4, inH, inW;
    int outC4, outH, outW;
    int padTop, padLeft;
    int hasBias, hasResidual, relu;
    int kTexels;     // inC4 * KH * KW
    int kPerSplit;   // K texels each split covers (all of K without split-K)
    int outTexels;   // batch * outC4 * outH * outW: one split's partial sums
    int splits;      // reduction: how many partial sums to add per output texel
} RESVK_PARAMS_END(TiledConvParams);
#ifdef __cplusplus
}
#endif
#endif
