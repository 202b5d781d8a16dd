#pragma once
// Pass 1 of video preprocessing (colour conversion + the horizontal half of the
// antialiased resize, preprocess_rows.comp) in plain C++ on the host, for
// devices that compute on the host's own cores (lavapipe): there every tap of
// the kernel is a per-lane byte gather and a per-lane colour conversion, while
// this converts each source pixel of a row once and sums the taps from a line
// buffer, at a fraction of the CPU time (bench/README.md). It writes the same
// intermediate the kernel would (rowsCount x outWidth RGBA32F, lane 3 = 0, the
// taps summed in the same order; the chroma is interpolated after the colour
// matrix instead of before, equal but for rounding), which pass 2 then reads
// on the device.
#include <cstddef>

#include "preprocess_params.h"

namespace resvk::video {

// `planes`: the frame's bytes as the kernel reads them (`planeBytes` of them);
// `table`: the preprocessing table (preprocess_table.h) as floats; `p`: one
// rectangle's parameters. Writes p.rowsCount * p.outWidth * 4 floats to `rows`.
// Throws std::logic_error when a tap would read outside the planes (a table
// that does not match the frame), where the kernel would read zeros.
void resizeRowsOnHost(const unsigned char* planes, size_t planeBytes, const float* table, size_t tableFloats,
                      const shaders::PreprocessParams& p, float* rows);

}  // namespace resvk::video
