#ifndef RESVK_CONV_PARAMS_H
#define RESVK_CONV_PARAMS_H
#include "params_macros.h"
#ifdef __cplusplus
namespace resvk::shaders {
#endif
// Convolution (group 1) as an implicit GEMM over pack4 tensors.
RESVK_PARAMS(ConvParams) {
    int batch;
    int inC4, inH, inW;       // input texel-channels and size
    int outC4, outH, outW;    // output texel-channels and size
    int padTop, padLeft;
    int hasBias, hasResidual, relu;
    int inC, outC, groups;    // real channel counts (grouped kernel)
    int weightBatchStride;    // texels between weight sets of batched GEMMs (Winograd)
} RESVK_PARAMS_END(ConvParams);
#ifdef __cplusplus
}
#endif
#endif
