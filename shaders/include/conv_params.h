#ifndef RESVK_CONV_PARAMS_H
#define RESVK_CONV_PARAMS_H
#include "params_macros.h"
#ifdef __cplusplus
namespace resvk::shaders {
#endif
// Convolution (group 1) as an implicit GEMM over pack4 tensors.
// Bits of the EPILOGUE specialisation constant of the register-tiled and
// Winograd output kernels (conv_epilogue.glsl).
#define RESVK_EPILOGUE_BIAS 1
#define RESVK_EPILOGUE_RESIDUAL 2
#define RESVK_EPILOGUE_RELU 4

RESVK_PARAMS(ConvParams) {
    int batch;
    int inC4, inH, inW;       // input texel-channels and size
    int outC4, outH, outW;    // output texel-channels and size
    int padTop, padLeft;
    int hasBias, hasResidual, relu;
    int inC, outC, groups;    // real channel counts (grouped kernel)
    int weightBatchStride;    // texels between weight sets of batched GEMMs (Winograd)
    // Output rows [innerY0, innerY1) x columns [innerX0, innerX1) whose taps all
    // land inside the input: the register-tiled kernels cover this rectangle when
    // built unpadded and the frame around it when built padded (conv_register_tile.glsl).
    int innerY0, innerY1, innerX0, innerX1;
} RESVK_PARAMS_END(ConvParams);
#ifdef __cplusplus
}
#endif
#endif
