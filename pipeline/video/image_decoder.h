#pragma once
// Still-image decoding through FFmpeg: one entry point that turns any image file
// FFmpeg understands (jpg, png, bmp, webp, tiff, first frame of a gif, ...) into
// tightly packed 8-bit RGB. This is the simple, CPU-side path used for `classify
// photo.jpg`; video frames take the GPU upload path instead.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace resvk::video {

struct RgbImage {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;  // height x width x 3, row-major, no padding
};

// The message is one line naming the file, ready to show the user as is.
struct DecodeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws DecodeError when the file is missing, empty, not an image, or truncated.
RgbImage decodeImage(const std::string& path);

}  // namespace resvk::video
