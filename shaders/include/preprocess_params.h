#ifndef RESVK_PREPROCESS_PARAMS_H
#define RESVK_PREPROCESS_PARAMS_H
#include "params_macros.h"
#ifdef __cplusplus
namespace resvk::shaders {
#endif
// preprocess_rows.comp + preprocess.comp: one decoded frame (raw 8-bit planes,
// binding 1 of the first pass as R32UI words) -> one batch item of a pack4
// N x 3 x H x W tensor, through an intermediate of rowsCount x outWidth RGBA32F
// texels (the horizontally resized rows). Component c (Y,U,V or
// R,G,B) of source pixel (x, y) is byte compStart[c] + (y >> shiftY) * compStride[c]
// + (x >> shiftX) * compStep[c] (shifts only for c = 1, 2): any 8-bit layout that
// FFmpeg's AVPixFmtDescriptor can describe. The resampling weights, colour matrix
// and normalisation live in a table (binding 2, RGBA32F), see preprocess_gpu.cpp.
RESVK_PARAMS(PreprocessParams) {
    int compStart[3];
    int compStride[3];
    int compStep[3];
    int srcWidth, srcHeight;
    int chromaWidth, chromaHeight;
    int chromaShiftX, chromaShiftY;
    int flags;  // PREPROCESS_GRAY, PREPROCESS_CHROMA_BILINEAR, PREPROCESS_CHROMA_ROWS_SUBSAMPLED
    int outWidth, outHeight;
    int dstBase;                     // texel index of the batch item's first pixel in the output binding
    int yHeaders;                    // table texel of output row 0's vertical header
    float chromaSiteX, chromaSiteY;  // luma coordinate of chroma sample 0's centre
    // The source rectangle (a region of interest; the whole frame is 0, 0,
    // srcWidth, srcHeight): the table's taps index pixels from its corner.
    int srcX, srcY;
    int xHeaders;  // table texel of output column 0's horizontal header
    // The source rows (from srcY) the vertical taps read: the first pass
    // resizes only these, intermediate row k being source row srcY + rowsFirst + k.
    int rowsFirst, rowsCount;
}
RESVK_PARAMS_END(PreprocessParams);
#ifdef __cplusplus
}
#endif
#define PREPROCESS_GRAY 1
#define PREPROCESS_CHROMA_BILINEAR 2
// Chroma rows are subsampled too (4:2:0, 4:1:0): consecutive luma rows share chroma rows.
#define PREPROCESS_CHROMA_ROWS_SUBSAMPLED 4
// Table texels 0..2: colour matrix rows (m0, m1, m2, offset) mapping the three
// components in [0, 1] to RGB in [0, 255]; 3: per-channel scale, 4: per-channel bias;
// from 5 on, per source rectangle, its column headers then its row headers.
#define PREPROCESS_X_HEADERS 5
// Pass 1 (preprocess_rows.comp) computes this many consecutive rows of one
// output column per invocation: 8 rows share 6 chroma rows of 4:2:0 (pass 1 at
// 720p -> 224: 4 rows 2.72 ms, 8 rows 2.49, 16 rows 2.53; bench/README.md).
#define PREPROCESS_ROWS_PER_INVOCATION 8
// Pass 2 (preprocess.comp) computes this many neighbouring pixels of one output
// row per invocation (224 x 224 output: 1 column 0.86 ms, 2 0.65, 4 0.45, 8 0.38).
#define PREPROCESS_COLUMNS_PER_INVOCATION 8
#endif
