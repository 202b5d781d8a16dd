#pragma once
// Saves the composed window image as PNG (FFmpeg's png encoder).
#include <string>

#include "viewer/renderer.h"

namespace resvk::app::viewer {

// Throws std::runtime_error naming the file; never leaves a partial file behind.
void savePng(const ComposedImage& image, const std::string& path);

}  // namespace resvk::app::viewer
