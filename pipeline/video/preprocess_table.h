#pragma once
// The numbers GPU preprocessing needs besides the frame's bytes: the colour
// matrix, the normalisation and, per source rectangle, PIL's antialiased
// bilinear resize + centre crop as per-axis taps with normalised weights (the
// same ones classify/preprocess.cpp uses), laid out as the RGBA32F table that
// preprocess_rows.comp and preprocess.comp read (layout in preprocess_params.h).
// Plain arithmetic, no Vulkan: the caller uploads the texels.
#include <vector>

#include "classify/preprocess.h"
#include "classify/roi.h"
#include "preprocess_params.h"
#include "video/picture.h"

namespace resvk::video {

// The YUV -> RGB conversion a frame asks for (exposed for tests and --verbose).
struct ColourInfo {
    ColourMatrix matrix = ColourMatrix::Bt601;
    bool fullRange = false;
};

// Fills `texels` (RGBA32F, 4 floats each) and `regions` (per rectangle: `frame`,
// the frame's layout push constants, completed with the rectangle's corner, its
// table headers and the source rows its vertical taps read). `rgb` / `gray`:
// the components are R,G,B or luma only (identity matrix rows, no YUV
// conversion). Each rectangle is resized and cropped as if it were the whole
// picture; none = the whole frame.
void buildPreprocessTable(const classify::PreprocessOptions& options, bool rgb, bool gray, const ColourInfo& colour,
                          const shaders::PreprocessParams& frame, const std::vector<classify::PixelRect>& rects,
                          std::vector<float>& texels, std::vector<shaders::PreprocessParams>& regions);

}  // namespace resvk::video
