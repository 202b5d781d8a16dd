#include "video/preprocess_gpu.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "preprocess_params.h"
#include "video/gap_worker.h"
#include "video/preprocess_rows_host.h"
#include "video/preprocess_table.h"
#include "vk/buffer.h"

namespace resvk::video {

namespace {

// What the kernel's addressing can read: every used component 8 bits wide in
// whole bytes, no palette / bitstream / hardware / float / Bayer layouts.
bool gpuReadable(const AVPixFmtDescriptor* d) {
    if (!d) return false;
    const uint64_t unsupported = AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_HWACCEL |
                                 AV_PIX_FMT_FLAG_FLOAT | AV_PIX_FMT_FLAG_BAYER;
    if (d->flags & unsupported) return false;
    const bool rgb = d->flags & AV_PIX_FMT_FLAG_RGB;
    const int colourComps = rgb || d->nb_components >= 3 ? 3 : 1;
    if (rgb && d->nb_components < 3) return false;
    for (int c = 0; c < colourComps; ++c)
        if (d->comp[c].depth != 8 || d->comp[c].shift != 0) return false;
    return true;
}

int swsColourspace(ColourMatrix m) {
    switch (m) {
        case ColourMatrix::Bt709:
            return SWS_CS_ITU709;
        case ColourMatrix::Bt2020:
            return SWS_CS_BT2020;
        case ColourMatrix::Smpte240m:
            return SWS_CS_SMPTE240M;
        default:
            return SWS_CS_ITU601;
    }
}

// The FFmpeg pixel format with the same memory layout; YV12 is YUV420P with
// its chroma planes swapped (swapUV).
AVPixelFormat avFormatOf(PixelLayout layout, bool& swapUV) {
    swapUV = layout == PixelLayout::YV12;
    switch (layout) {
        case PixelLayout::I420:
        case PixelLayout::YV12:
            return AV_PIX_FMT_YUV420P;
        case PixelLayout::NV12:
            return AV_PIX_FMT_NV12;
        case PixelLayout::NV21:
            return AV_PIX_FMT_NV21;
        case PixelLayout::NV16:
            return AV_PIX_FMT_NV16;
        case PixelLayout::NV24:
            return AV_PIX_FMT_NV24;
        case PixelLayout::Y41B:
            return AV_PIX_FMT_YUV411P;
        case PixelLayout::Y42B:
            return AV_PIX_FMT_YUV422P;
        case PixelLayout::Y444:
            return AV_PIX_FMT_YUV444P;
        case PixelLayout::YUY2:
            return AV_PIX_FMT_YUYV422;
        case PixelLayout::UYVY:
            return AV_PIX_FMT_UYVY422;
        case PixelLayout::YVYU:
            return AV_PIX_FMT_YVYU422;
        case PixelLayout::RGB:
            return AV_PIX_FMT_RGB24;
        case PixelLayout::BGR:
            return AV_PIX_FMT_BGR24;
        case PixelLayout::RGBx:
            return AV_PIX_FMT_RGB0;
        case PixelLayout::BGRx:
            return AV_PIX_FMT_BGR0;
        case PixelLayout::xRGB:
            return AV_PIX_FMT_0RGB;
        case PixelLayout::xBGR:
            return AV_PIX_FMT_0BGR;
        case PixelLayout::RGBA:
            return AV_PIX_FMT_RGBA;
        case PixelLayout::BGRA:
            return AV_PIX_FMT_BGRA;
        case PixelLayout::ARGB:
            return AV_PIX_FMT_ARGB;
        case PixelLayout::ABGR:
            return AV_PIX_FMT_ABGR;
        case PixelLayout::GRAY8:
            return AV_PIX_FMT_GRAY8;
    }
    throw std::invalid_argument("unknown pixel layout");
}

AVColorSpace avColourSpaceOf(const std::optional<ColourMatrix>& matrix) {
    if (!matrix) return AVCOL_SPC_UNSPECIFIED;
    switch (*matrix) {
        case ColourMatrix::Bt709:
            return AVCOL_SPC_BT709;
        case ColourMatrix::Bt2020:
            return AVCOL_SPC_BT2020_NCL;
        case ColourMatrix::Smpte240m:
            return AVCOL_SPC_SMPTE240M;
        default:
            return AVCOL_SPC_SMPTE170M;
    }
}

}  // namespace

ColourInfo colourInfoOf(const AVFrame& frame) {
    ColourInfo info;
    switch (frame.colorspace) {
        case AVCOL_SPC_BT709:
            info.matrix = ColourMatrix::Bt709;
            break;
        case AVCOL_SPC_BT470BG:
        case AVCOL_SPC_SMPTE170M:
        case AVCOL_SPC_FCC:
            info.matrix = ColourMatrix::Bt601;
            break;
        case AVCOL_SPC_BT2020_NCL:
        case AVCOL_SPC_BT2020_CL:
            info.matrix = ColourMatrix::Bt2020;
            break;
        case AVCOL_SPC_SMPTE240M:
            info.matrix = ColourMatrix::Smpte240m;
            break;
        default:
            info.matrix = frame.height < 720 ? ColourMatrix::Bt601 : ColourMatrix::Bt709;
            break;
    }
    const auto f = static_cast<AVPixelFormat>(frame.format);
    info.fullRange = frame.color_range == AVCOL_RANGE_JPEG || f == AV_PIX_FMT_YUVJ420P || f == AV_PIX_FMT_YUVJ422P ||
                     f == AV_PIX_FMT_YUVJ444P || f == AV_PIX_FMT_YUVJ440P || f == AV_PIX_FMT_YUVJ411P;
    return info;
}

struct GpuPreprocessor::Slot {
    vk::Buffer planes, table;
    // Pass 1's horizontally resized rows, per region from its offset: written by
    // the kernel, or by upload() where pass 1 runs on the host.
    vk::Buffer rows;
    std::vector<VkDeviceSize> rowOffsets;
    // The staging memory path: planes, table (and the rows pass 1 made on the
    // host), written by upload() and copied into planes / table / rows by the
    // recorded stream (recordUpload), never by a submit of its own.
    vk::Buffer staging;
    shaders::PreprocessParams params{};              // the whole frame (region 0 when no regions)
    std::vector<shaders::PreprocessParams> regions;  // per source rectangle: params with its table part
    bool uploaded = false;
    bool recorded = false;
    bool stale = false;  // params or buffers changed since record()
    std::vector<float> tableData;
    std::vector<std::shared_ptr<vk::CommandStream>> readers;  // submitted work that reads the planes
};

GpuPreprocessor::GpuPreprocessor(vk::Context& context, vk::KernelCache& kernels,
                                 const classify::PreprocessOptions& options, int slots)
    : context_(context), kernels_(kernels), options_(options) {
    if (options.inputHeight <= 0 || options.inputWidth <= 0)
        throw std::invalid_argument("GpuPreprocessor: input size must be positive");
    if (slots <= 0) throw std::invalid_argument("GpuPreprocessor: needs at least one slot");
    VkFormatProperties props;
    vkGetPhysicalDeviceFormatProperties(context.physicalDevice(), kPlaneFormat, &props);
    if (!(props.bufferFeatures & VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_BIT))
        throw vk::Error("the Vulkan device cannot read R32_UINT storage texel buffers (needed for video preprocessing)");
    for (int i = 0; i < slots; ++i) slots_.push_back(std::make_unique<Slot>());
    // Pass 1 on the host runs in the gaps of a network on the same cores (gap_worker.h).
    if (context.traits().preprocessRowsOnHost) rowsWorker_ = std::make_unique<GapWorker>();
}

GpuPreprocessor::~GpuPreprocessor() {
    sws_freeContext(sws_);
}

bool GpuPreprocessor::upload(const AVFrame& frame, int slot, const std::vector<classify::PixelRect>& regions) {
    if (slot < 0 || slot >= slots())
        throw std::out_of_range("GpuPreprocessor::upload: no slot " + std::to_string(slot));
    if (frame.width <= 0 || frame.height <= 0) throw std::invalid_argument("GpuPreprocessor::upload: empty frame");
    for (const auto& r : regions)
        if (r.x < 0 || r.y < 0 || r.w <= 0 || r.h <= 0 || r.x + r.w > frame.width || r.y + r.h > frame.height)
            throw std::invalid_argument("GpuPreprocessor::upload: a region lies outside the frame");
    Slot& s = *slots_[slot];
    for (auto& reader : s.readers) reader->wait();
    s.readers.clear();
    ColourInfo colour = colourInfoOf(frame);
    if (forcedMatrix_ >= 0) colour.matrix = static_cast<ColourMatrix>(forcedMatrix_);
    const auto format = static_cast<AVPixelFormat>(frame.format);
    if (gpuReadable(av_pix_fmt_desc_get(format))) {
        uploadLayout(s, frame, format, colour, regions);
        return true;
    }
    // Anything else: libswscale to RGB24 here, then the RGB path on the GPU.
    sws_ = sws_getCachedContext(sws_, frame.width, frame.height, format, frame.width, frame.height, AV_PIX_FMT_RGB24,
                                SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr);
    if (!sws_)
        throw std::runtime_error(std::string("cannot convert video frames of pixel format ") +
                                 (av_get_pix_fmt_name(format) ? av_get_pix_fmt_name(format) : "?"));
    const int* table = sws_getCoefficients(swsColourspace(colour.matrix));
    sws_setColorspaceDetails(sws_, table, colour.fullRange ? 1 : 0, table, 1, 0, 1 << 16, 1 << 16);
    AVFrame rgb{};
    rgb.width = frame.width;
    rgb.height = frame.height;
    rgb.format = AV_PIX_FMT_RGB24;
    rgbScratch_.resize(static_cast<size_t>(frame.width) * frame.height * 3);
    rgb.data[0] = rgbScratch_.data();
    rgb.linesize[0] = frame.width * 3;
    sws_scale(sws_, frame.data, frame.linesize, 0, frame.height, rgb.data, rgb.linesize);
    usedCpuFallback_ = true;
    uploadLayout(s, rgb, AV_PIX_FMT_RGB24, colour, regions);
    return false;
}

void GpuPreprocessor::uploadRgb(const uint8_t* pixels, int width, int height, ptrdiff_t rowBytes, int slot) {
    if (rowBytes < static_cast<ptrdiff_t>(width) * 3 || rowBytes > INT32_MAX)
        throw std::invalid_argument("GpuPreprocessor::uploadRgb: rows overlap or are too far apart");
    PictureView rgb;
    rgb.layout = PixelLayout::RGB;
    rgb.width = width;
    rgb.height = height;
    rgb.planes[0] = pixels;
    rgb.strides[0] = static_cast<int>(rowBytes);
    upload(rgb, slot);
}

bool GpuPreprocessor::fitsRgb(int width, int height) const {
    const uint64_t bytes = (static_cast<uint64_t>(width) * 3 * static_cast<uint64_t>(height) + 3) & ~uint64_t{3};
    return bytes <= context_.properties().limits.maxTexelBufferElements;
}

void GpuPreprocessor::upload(const PictureView& picture, int slot) {
    bool swapUV = false;
    AVFrame frame{};
    frame.format = avFormatOf(picture.layout, swapUV);
    frame.width = picture.width;
    frame.height = picture.height;
    frame.colorspace = avColourSpaceOf(picture.matrix);
    frame.color_range = picture.fullRange ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    const int planes = av_pix_fmt_count_planes(static_cast<AVPixelFormat>(frame.format));
    for (int p = 0; p < planes; ++p) {
        const int from = swapUV && (p == 1 || p == 2) ? 3 - p : p;
        if (!picture.planes[from] || picture.strides[from] <= 0)
            throw std::invalid_argument("GpuPreprocessor::upload: the picture lacks plane " + std::to_string(from));
        frame.data[p] = const_cast<uint8_t*>(picture.planes[from]);
        frame.linesize[p] = picture.strides[from];
    }
    upload(frame, slot);
}

void GpuPreprocessor::uploadLayout(Slot& s, const AVFrame& frame, int formatValue, const ColourInfo& colour,
                                   const std::vector<classify::PixelRect>& regions) {
    const auto format = static_cast<AVPixelFormat>(formatValue);
    const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(format);
    const int w = frame.width, h = frame.height;
    const bool rgb = d->flags & AV_PIX_FMT_FLAG_RGB;
    const bool gray = !rgb && d->nb_components < 3;

    // Planes packed tightly, each starting at a multiple of 4 bytes.
    int linesizes[4] = {};
    if (av_image_fill_linesizes(linesizes, format, w) < 0) throw std::runtime_error("bad frame layout");
    const int planeCount = av_pix_fmt_count_planes(format);
    size_t offsets[4] = {}, total = 0;
    int rows[4] = {};
    for (int p = 0; p < planeCount; ++p) {
        rows[p] = (p == 1 || p == 2) ? AV_CEIL_RSHIFT(h, d->log2_chroma_h) : h;
        offsets[p] = total;
        total += (static_cast<size_t>(linesizes[p]) * rows[p] + 3) & ~size_t{3};
    }
    if (total / 4 > context_.properties().limits.maxTexelBufferElements)
        throw std::runtime_error("video frame too large for a texel buffer (" + std::to_string(w) + "x" +
                                 std::to_string(h) + ")");

    shaders::PreprocessParams p{};
    const int comps = gray ? 1 : 3;
    for (int c = 0; c < 3; ++c) {
        const AVComponentDescriptor& cd = d->comp[c < comps ? c : 0];
        p.compStart[c] = static_cast<int>(offsets[cd.plane]) + cd.offset;
        p.compStride[c] = linesizes[cd.plane];
        p.compStep[c] = cd.step;
    }
    p.srcWidth = w;
    p.srcHeight = h;
    p.chromaShiftX = gray ? 0 : d->log2_chroma_w;
    p.chromaShiftY = gray ? 0 : d->log2_chroma_h;
    p.chromaWidth = AV_CEIL_RSHIFT(w, p.chromaShiftX);
    p.chromaHeight = AV_CEIL_RSHIFT(h, p.chromaShiftY);
    p.flags = (gray ? PREPROCESS_GRAY : 0) | (p.chromaShiftX || p.chromaShiftY ? PREPROCESS_CHROMA_BILINEAR : 0) |
              (p.chromaShiftY ? PREPROCESS_CHROMA_ROWS_SUBSAMPLED : 0);
    // Chroma samples sit at the centre of the luma pixels they cover, which is
    // what libswscale assumes when not told otherwise (frame.chroma_location is
    // ignored on purpose: the CPU path, and so the networks' references, ignore it).
    p.chromaSiteX = static_cast<float>(1 << p.chromaShiftX) / 2;
    p.chromaSiteY = static_cast<float>(1 << p.chromaShiftY) / 2;
    p.outWidth = options_.inputWidth;
    p.outHeight = options_.inputHeight;

    const std::vector<classify::PixelRect> rects =
        regions.empty() ? std::vector<classify::PixelRect>{{0, 0, w, h}} : regions;
    std::vector<float>& t = s.tableData;
    std::vector<shaders::PreprocessParams> perRect;
    buildPreprocessTable(options_, rgb, gray, colour, p, rects, t, perRect);
    p = perRect[0];
    const auto& limits = context_.properties().limits;
    if (t.size() / 4 > limits.maxTexelBufferElements)
        throw std::runtime_error("too many regions for one preprocessing table");
    // Each rectangle's intermediate rows at their own offset: rectangles of one
    // upload then share no memory, and their passes need no barrier between them.
    const VkDeviceSize align =
        std::max<VkDeviceSize>({16, limits.minStorageBufferOffsetAlignment, limits.minTexelBufferOffsetAlignment});
    std::vector<VkDeviceSize> rowOffsets;
    VkDeviceSize rowBytes = 0;
    for (const auto& q : perRect) {
        const int64_t texels = int64_t(q.rowsCount) * q.outWidth;
        // The device traits' limits, which ContextOptions can lower (tests force them).
        const vk::DeviceTraits& traits = context_.traits();
        if (uint64_t(texels) > traits.maxTexelBufferElements || uint64_t(texels) * 16 > traits.maxStorageBufferRange)
            throw std::runtime_error("a video frame region too tall for the preprocessing intermediate (" +
                                     std::to_string(q.rowsCount) + " rows)");
        rowOffsets.push_back(rowBytes);
        rowBytes += (VkDeviceSize(texels) * 16 + align - 1) / align * align;
    }

    // Buffers grow only; a new one invalidates recorded streams.
    const size_t tableBytes = t.size() * sizeof(float);
    if (s.planes.size() < total) {
        s.planes = vk::Buffer(context_, total, vk::Buffer::Kind::StorageTexels);
        s.stale = true;
    }
    if (s.table.size() < tableBytes) {
        s.table = vk::Buffer(context_, tableBytes, vk::Buffer::Kind::Compute);
        s.stale = true;
    }
    if (s.rows.size() < rowBytes) {
        s.rows = vk::Buffer(context_, rowBytes, vk::Buffer::Kind::Compute);
        s.stale = true;
    }
    s.rowOffsets = std::move(rowOffsets);
    if (perRect.size() != s.regions.size() ||
        std::memcmp(perRect.data(), s.regions.data(), perRect.size() * sizeof p) != 0)
        s.stale = true;
    s.params = p;
    s.regions = std::move(perRect);
    const bool staged = !s.planes.mapped();
    const VkDeviceSize stagingBytes = s.planes.size() + s.table.size() + (rowsOnHost() ? s.rows.size() : 0);
    if (staged && s.staging.size() < stagingBytes) {
        s.staging = vk::Buffer(context_, stagingBytes, vk::Buffer::Kind::Staging);
        s.stale = true;
    }
    auto* planes = static_cast<uint8_t*>(staged ? s.staging.mapped() : s.planes.mapped());
    auto* table = staged ? planes + s.planes.size() : static_cast<uint8_t*>(s.table.mapped());
    std::memcpy(table, t.data(), tableBytes);
    for (int pl = 0; pl < planeCount; ++pl) {
        const size_t bytes = static_cast<size_t>(linesizes[pl]);
        for (int y = 0; y < rows[pl]; ++y)
            std::memcpy(planes + offsets[pl] + bytes * y,
                        frame.data[pl] + static_cast<ptrdiff_t>(frame.linesize[pl]) * y, bytes);
    }
    if (rowsOnHost()) {
        // Pass 1 here, from the bytes just packed (the kernel's layout), into
        // the rows pass 2 reads.
        auto* rowBase = staged ? table + s.table.size() : static_cast<uint8_t*>(s.rows.mapped());
        rowsWorker_->run([&] {
            for (size_t q = 0; q < s.regions.size(); ++q)
                resizeRowsOnHost(planes, total, t.data(), t.size(), s.regions[q],
                                 reinterpret_cast<float*>(rowBase + s.rowOffsets[q]));
        });
    }
    s.uploaded = true;
}

void GpuPreprocessor::record(ops::Recorder& r, int slot, const ops::Tensor& dst, int batchIndex, int region) {
    if (slot < 0 || slot >= slots())
        throw std::out_of_range("GpuPreprocessor::record: no slot " + std::to_string(slot));
    Slot& s = *slots_[slot];
    if (!s.uploaded) throw std::logic_error("GpuPreprocessor::record before any upload into the slot");
    const ops::Shape4 want{dst.shape[0], 3, options_.inputHeight, options_.inputWidth};
    if (dst.shape != want || batchIndex < 0 || batchIndex >= dst.shape[0])
        throw std::invalid_argument("GpuPreprocessor::record: the tensor is not N x 3 x " +
                                    std::to_string(options_.inputHeight) + " x " + std::to_string(options_.inputWidth) +
                                    " or the batch index is out of range");
    if (region < 0 || region >= static_cast<int>(s.regions.size()))
        throw std::out_of_range("GpuPreprocessor::record: no region " + std::to_string(region) + " in the upload");
    const int64_t pixels = static_cast<int64_t>(options_.inputHeight) * options_.inputWidth;
    // The network's precision decides the tensor's texel size and the kernel variant.
    const VkDeviceSize itemBytes = static_cast<VkDeviceSize>(pixels * ops::texelBytes(r.precision));
    shaders::PreprocessParams p = s.regions[region];
    // Bind only this item (two items of one tensor then need no barrier between
    // them) where the device's offset alignment allows.
    vk::BufferSlice out = dst.slice;
    const VkDeviceSize itemOffset = dst.slice.offset + itemBytes * batchIndex;
    if (itemOffset % context_.properties().limits.minStorageBufferOffsetAlignment == 0) {
        out = {dst.slice.buffer, itemOffset, itemBytes};
        p.dstBase = 0;
    } else {
        p.dstBase = static_cast<int>(pixels * batchIndex);
    }
    const VkDeviceSize rowBytes = VkDeviceSize(p.rowsCount) * p.outWidth * 16;
    const vk::BufferSlice rows = s.rows.slice(s.rowOffsets[size_t(region)], rowBytes);
    const vk::BufferSlice table = s.table.slice(0, s.table.size());
    recordUpload(r.stream, slot);
    if (!rowsOnHost()) {
        // Pass 1 writes fp32 rows whatever the network's precision: its own kernel, no fp16 twin.
        const vk::KernelKey rowsKey{
            shaders::ShaderId::preprocess_rows, {static_cast<int32_t>(r.localSize), p.flags}, 2, sizeof p};
        const int64_t rowGroups = (p.rowsCount + PREPROCESS_ROWS_PER_INVOCATION - 1) / PREPROCESS_ROWS_PER_INVOCATION;
        const std::vector<vk::TexelInput> frameInputs = {{s.planes.slice(0, s.planes.size()), kPlaneFormat}, {table}};
        r.stream.dispatch(rowsKey, rows, frameInputs, &p, ops::flatGrid(rowGroups * p.outWidth, r.localSize));
    }
    const vk::KernelKey key{r.kernel(shaders::ShaderId::preprocess), {static_cast<int32_t>(r.localSize)}, 2, sizeof p};
    const int64_t columnGroups =
        (p.outWidth + PREPROCESS_COLUMNS_PER_INVOCATION - 1) / PREPROCESS_COLUMNS_PER_INVOCATION;
    r.stream.dispatch(key, out, std::vector<vk::BufferSlice>{rows, table}, &p,
                      ops::flatGrid(columnGroups * p.outHeight, r.localSize));
    s.recorded = true;
    s.stale = false;
}

void GpuPreprocessor::recordUpload(vk::CommandStream& stream, int slot) {
    Slot& s = *slots_.at(slot);
    if (!s.uploaded) throw std::logic_error("GpuPreprocessor::recordUpload before any upload into the slot");
    if (s.planes.mapped()) return;
    stream.copy(s.staging.slice(0, s.planes.size()), s.planes.slice(0, s.planes.size()));
    stream.copy(s.staging.slice(s.planes.size(), s.table.size()), s.table.slice(0, s.table.size()));
    if (rowsOnHost())
        stream.copy(s.staging.slice(s.planes.size() + s.table.size(), s.rows.size()), s.rows.slice(0, s.rows.size()));
}

GpuPreprocessor::PlaneView GpuPreprocessor::planeView(int slot) const {
    if (slot < 0 || slot >= slots())
        throw std::out_of_range("GpuPreprocessor::planeView: no slot " + std::to_string(slot));
    const Slot& s = *slots_[slot];
    if (!s.uploaded) throw std::logic_error("GpuPreprocessor::planeView before any upload into the slot");
    return {s.planes.slice(0, s.planes.size()), s.table.slice(0, s.table.size()), s.params};
}

void GpuPreprocessor::addReader(int slot, std::shared_ptr<vk::CommandStream> reader) {
    slots_.at(slot)->readers.push_back(std::move(reader));
}

bool GpuPreprocessor::needsRerecord() const {
    return std::any_of(slots_.begin(), slots_.end(), [](const auto& s) { return s->recorded && s->stale; });
}

}  // namespace resvk::video
