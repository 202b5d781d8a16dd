#include "video_formats.h"

namespace resvk::gst {

namespace {

struct FormatEntry {
    GstVideoFormat gst;
    video::PixelLayout layout;
};

// Common formats first: caps negotiation prefers the earlier ones.
constexpr FormatEntry kFormats[] = {
    {GST_VIDEO_FORMAT_I420, video::PixelLayout::I420},   {GST_VIDEO_FORMAT_NV12, video::PixelLayout::NV12},
    {GST_VIDEO_FORMAT_YV12, video::PixelLayout::YV12},   {GST_VIDEO_FORMAT_NV21, video::PixelLayout::NV21},
    {GST_VIDEO_FORMAT_Y42B, video::PixelLayout::Y42B},   {GST_VIDEO_FORMAT_Y444, video::PixelLayout::Y444},
    {GST_VIDEO_FORMAT_Y41B, video::PixelLayout::Y41B},   {GST_VIDEO_FORMAT_NV16, video::PixelLayout::NV16},
    {GST_VIDEO_FORMAT_NV24, video::PixelLayout::NV24},   {GST_VIDEO_FORMAT_YUY2, video::PixelLayout::YUY2},
    {GST_VIDEO_FORMAT_UYVY, video::PixelLayout::UYVY},   {GST_VIDEO_FORMAT_YVYU, video::PixelLayout::YVYU},
    {GST_VIDEO_FORMAT_RGB, video::PixelLayout::RGB},     {GST_VIDEO_FORMAT_BGR, video::PixelLayout::BGR},
    {GST_VIDEO_FORMAT_RGBx, video::PixelLayout::RGBx},   {GST_VIDEO_FORMAT_BGRx, video::PixelLayout::BGRx},
    {GST_VIDEO_FORMAT_xRGB, video::PixelLayout::xRGB},   {GST_VIDEO_FORMAT_xBGR, video::PixelLayout::xBGR},
    {GST_VIDEO_FORMAT_RGBA, video::PixelLayout::RGBA},   {GST_VIDEO_FORMAT_BGRA, video::PixelLayout::BGRA},
    {GST_VIDEO_FORMAT_ARGB, video::PixelLayout::ARGB},   {GST_VIDEO_FORMAT_ABGR, video::PixelLayout::ABGR},
    {GST_VIDEO_FORMAT_GRAY8, video::PixelLayout::GRAY8},
};

std::optional<video::ColourMatrix> matrixOf(GstVideoColorMatrix m) {
    switch (m) {
        case GST_VIDEO_COLOR_MATRIX_BT601:
            return video::ColourMatrix::Bt601;
        case GST_VIDEO_COLOR_MATRIX_BT709:
            return video::ColourMatrix::Bt709;
        case GST_VIDEO_COLOR_MATRIX_BT2020:
            return video::ColourMatrix::Bt2020;
        case GST_VIDEO_COLOR_MATRIX_SMPTE240M:
            return video::ColourMatrix::Smpte240m;
        default:
            return std::nullopt;  // unknown: the preprocessor's rule by frame height
    }
}

}  // namespace

std::string formatNames() {
    std::string names;
    for (const auto& f : kFormats)
        names += (names.empty() ? "" : ", ") + std::string(gst_video_format_to_string(f.gst));
    return names;
}

std::string sinkCapsString() {
    return "video/x-raw, format=(string){ " + formatNames() +
           " }, width=(int)[ 1, 32767 ], height=(int)[ 1, 32767 ], framerate=(fraction)[ 0/1, 2147483647/1 ]";
}

std::optional<video::PixelLayout> layoutOf(GstVideoFormat format) {
    for (const auto& f : kFormats)
        if (f.gst == format) return f.layout;
    return std::nullopt;
}

video::PictureView pictureOf(const GstVideoFrame& frame, video::PixelLayout layout) {
    video::PictureView p;
    p.layout = layout;
    p.width = GST_VIDEO_FRAME_WIDTH(&frame);
    p.height = GST_VIDEO_FRAME_HEIGHT(&frame);
    for (guint i = 0; i < GST_VIDEO_FRAME_N_PLANES(&frame) && i < 4; ++i) {
        p.planes[i] = static_cast<const uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, i));
        p.strides[i] = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, i);
    }
    const GstVideoColorimetry& c = frame.info.colorimetry;
    p.matrix = matrixOf(c.matrix);
    p.fullRange = c.range == GST_VIDEO_COLOR_RANGE_0_255;
    return p;
}

}  // namespace resvk::gst
