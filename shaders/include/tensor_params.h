#ifndef RESVK_TENSOR_PARAMS_H
#define RESVK_TENSOR_PARAMS_H
#include "params_macros.h"
#ifdef __cplusplus
namespace resvk::shaders {
#endif
// Generic kernels that produce one output texel per invocation. Shapes are 4-D
// (N, C, H, W) views; lower-rank tensors append trailing 1s.
RESVK_PARAMS(TensorParams) {
    int outShape[4];
    int inShape[4];           // first input
    int auxShape[4];          // second input (eltwise) / unused
    int start[4];             // gather: source start per dim; pool: kernel pad top/left in [2],[3]
    int step[4];              // gather: source step per dim; pool: pad bottom/right in [2],[3]
    int perm[4];              // gather transpose
    int mode;                 // kernel-specific (see each shader)
    int relu;
    int flags;                // kernel-specific bit flags
    float value;              // pad value
} RESVK_PARAMS_END(TensorParams);
#ifdef __cplusplus
}
#endif
#endif
