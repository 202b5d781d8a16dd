#pragma once
// A picture in memory owned by someone else (a GStreamer buffer, a numpy array):
// its planes, their strides and the pixel layout they follow, described without
// FFmpeg types so front-ends can hand frames to the GPU preprocessor
// (picture_classifier.h) without knowing FFmpeg.
#include <cstdint>
#include <optional>

namespace resvk::video {

// The YUV -> RGB conversion a frame asks for.
enum class ColourMatrix { Bt601, Bt709, Bt2020, Smpte240m };

// 8-bit layouts the GPU reads directly. Names follow the usual fourcc-style
// spelling (GStreamer's): I420 = planar Y, U, V with 2x2 chroma; YV12 the same
// with V before U; NV12/NV21 = Y plane + interleaved UV/VU; Y42B = 4:2:2 planar;
// Y444 = 4:4:4 planar; Y41B = 4:1:1 planar; YUY2/UYVY/YVYU = packed 4:2:2;
// RGB/BGR = 3 bytes per pixel; xRGB etc. = 4 bytes with an ignored (x) or
// alpha (A) byte at that position; GRAY8 = luma only.
enum class PixelLayout {
    I420,
    YV12,
    NV12,
    NV21,
    NV16,
    NV24,
    Y41B,
    Y42B,
    Y444,
    YUY2,
    UYVY,
    YVYU,
    RGB,
    BGR,
    RGBx,
    BGRx,
    xRGB,
    xBGR,
    RGBA,
    BGRA,
    ARGB,
    ABGR,
    GRAY8,
};

struct PictureView {
    PixelLayout layout = PixelLayout::I420;
    int width = 0, height = 0;
    // Per plane in the layout's plane order (I420: Y, U, V; YV12: Y, V, U).
    const uint8_t* planes[4] = {};
    int strides[4] = {};  // bytes from one row to the next
    // YUV layouts: nullopt = unspecified (BT.601 below 720 lines, BT.709 from 720 up).
    std::optional<ColourMatrix> matrix;
    bool fullRange = false;  // YUV: 0-255 instead of 16-235 / 16-240
};

}  // namespace resvk::video
