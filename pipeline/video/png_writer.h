#pragma once
// Still pictures out: PNG through FFmpeg's encoder (screenshots, test images).
#include <cstdint>
#include <string>

namespace resvk::video {

// Tightly packed RGB24, width x height. Throws std::runtime_error naming the
// file; writes beside it and renames, so a failure leaves no partial file.
void writePng(const std::string& path, int width, int height, const uint8_t* rgb);

}  // namespace resvk::video
