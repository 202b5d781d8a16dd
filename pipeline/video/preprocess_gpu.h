#pragma once
// GPU preprocessing of decoded video frames: the frame's raw 8-bit planes are
// copied (memcpy only) into a slot's buffer, and two passes convert, resize,
// crop and normalise them straight into a batch item of the network's input
// tensor (colour + horizontal resize into an intermediate, then vertical
// resize + normalisation: the resize is separable). Both are compute kernels,
// except where the device computes on the host's cores: there upload() runs
// the first pass in C++ (preprocess_rows_host.h, DeviceTraits::preprocessRowsOnHost).
// It gives the same tensor as classify::preprocess on the RGB picture
// libswscale would make of the frame (within rounding noise).
//
// Slots let several frames be in flight: upload() into slot k while the GPU reads
// slot j. A command stream records record(slot) once and is replayed for every
// frame uploaded into that slot, as long as needsRerecord() is false: a frame of
// a different size, pixel format or chroma siting changes the recorded push
// constants (and may re-create the slot's buffers), and then the stream must be
// recorded again before it is submitted.
#include <memory>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
}

#include "classify/preprocess.h"
#include "classify/roi.h"
#include "ops/tensor.h"
#include "preprocess_params.h"
#include "video/picture.h"
#include "video/preprocess_table.h"
#include "vk/buffer.h"
#include "vk/command_stream.h"
#include "vk/context.h"
#include "vk/kernel.h"

struct SwsContext;

namespace resvk::video {

class GapWorker;

// frame.colorspace / color_range; unspecified matrix: BT.601 below 720 lines,
// BT.709 from 720 up; YUVJ formats and AVCOL_RANGE_JPEG are full range.
ColourInfo colourInfoOf(const AVFrame& frame);

class GpuPreprocessor {
public:
    GpuPreprocessor(vk::Context& context, vk::KernelCache& kernels, const classify::PreprocessOptions& options,
                    int slots = 2);
    ~GpuPreprocessor();
    GpuPreprocessor(const GpuPreprocessor&) = delete;
    GpuPreprocessor& operator=(const GpuPreprocessor&) = delete;

    // Copies the frame's planes into slot `slot` (and runs pass 1 of every
    // region there where it runs on the host). Returns true when the GPU reads
    // the frame's own pixel format (any 8-bit planar/semi-planar/packed YUV, RGB
    // or grey layout, e.g. YUV420P, NV12, YUV422P, YUV444P, YUYV422, RGB24, BGRA,
    // GRAY8); false when it was converted to RGB24 by libswscale on the CPU first
    // (10-bit, palette, ... formats). Overrides the frame's colour matrix when
    // forceMatrix() was called (tests). `regions` (inside the frame) are the
    // source rectangles record() can preprocess, each as if it were the whole
    // picture; none = the whole frame. The planes are uploaded once either way.
    bool upload(const AVFrame& frame, int slot, const std::vector<classify::PixelRect>& regions = {});
    // A picture in host memory as packed 8-bit RGB (height rows of width * 3
    // bytes, `rowBytes` apart), read in place (stills, numpy arrays).
    void uploadRgb(const uint8_t* pixels, int width, int height, ptrdiff_t rowBytes, int slot);
    // Whether a width x height RGB picture fits the texel buffer the kernel reads.
    bool fitsRgb(int width, int height) const;
    // The same for a picture in someone else's memory (see picture.h); always
    // read by the GPU in its own layout.
    void upload(const PictureView& picture, int slot);

    // Records the two passes that write batch item `batchIndex` of `dst` (pack4,
    // N x 3 x inputHeight x inputWidth) from region `region` of the slot's
    // current upload (after recordUpload for it).
    void record(ops::Recorder& r, int slot, const ops::Tensor& dst, int batchIndex, int region = 0);
    // On the staging memory path uploads land in a host staging buffer: this
    // records the copies into the slot's device buffers (nothing when mapped),
    // so each frame still takes one submission, with the work that reads it.
    void recordUpload(vk::CommandStream& stream, int slot);

    // True when some slot's upload no longer matches what record() captured.
    bool needsRerecord() const;
    // True once any frame took the CPU (libswscale) route.
    bool usedCpuFallback() const { return usedCpuFallback_; }
    int slots() const { return static_cast<int>(slots_.size()); }
    const classify::PreprocessOptions& options() const { return options_; }

    // How kernels read the raw planes: their bytes as R32UI words (each plane
    // starts at a multiple of 4 bytes), from a storage texel buffer.
    static constexpr VkFormat kPlaneFormat = VK_FORMAT_R32_UINT;
    // A slot's current upload as other kernels can read it (the viewer draws the
    // video from it): the raw planes (kPlaneFormat texels), the table whose texels
    // 0..2 hold the colour matrix rows, and the layout push constants.
    struct PlaneView {
        vk::BufferSlice planes, table;
        shaders::PreprocessParams layout;
    };
    PlaneView planeView(int slot) const;
    // `reader` has work submitted that reads the slot's planes: the next upload
    // into the slot waits for it first.
    void addReader(int slot, std::shared_ptr<vk::CommandStream> reader);

    // Ignore the frame's own matrix (to check that the matrix matters).
    void forceMatrix(ColourMatrix matrix) { forcedMatrix_ = static_cast<int>(matrix); }

private:
    struct Slot;
    void uploadLayout(Slot& s, const AVFrame& frame, int format, const ColourInfo& colour,
                      const std::vector<classify::PixelRect>& regions);

    vk::Context& context_;
    vk::KernelCache& kernels_;
    classify::PreprocessOptions options_;
    std::vector<std::unique_ptr<Slot>> slots_;
    SwsContext* sws_ = nullptr;
    std::vector<uint8_t> rgbScratch_;
    bool usedCpuFallback_ = false;
    int forcedMatrix_ = -1;
    // Pass 1 runs in upload() on the host, on this worker (vk::DeviceTraits::preprocessRowsOnHost).
    std::unique_ptr<GapWorker> rowsWorker_;
    bool rowsOnHost() const { return rowsWorker_ != nullptr; }
};

}  // namespace resvk::video
