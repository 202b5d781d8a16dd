#include "viewer/frame_converter.h"

#include <cstring>

#include "ops/tensor.h"

namespace resvk::app::viewer {

namespace {
constexpr uint32_t kLocalSize = 64;
}

FrameConverter::FrameConverter(vk::Context& context, vk::KernelCache& kernels,
                               const classify::PreprocessOptions& preprocess, int sources)
    : context_(context), kernels_(kernels), uploader_(context, kernels, preprocess, sources), pictures_(sources) {}

void FrameConverter::convert(int source, video::GpuPreprocessor& preprocessor, int slot) {
    preprocessor.addReader(slot, submit(source, preprocessor.planeView(slot), false));
}

void FrameConverter::convert(int source, const AVFrame& frame) {
    uploader_.upload(frame, source);
    uploader_.addReader(source, submit(source, uploader_.planeView(source), true));
}

double FrameConverter::takeGpuSeconds() {
    double seconds = 0.0;
    for (auto& stream : submitted_) {
        stream->wait();
        for (double ms : stream->dispatchMilliseconds()) seconds += ms / 1000.0;
    }
    submitted_.clear();
    return seconds;
}

std::shared_ptr<vk::CommandStream> FrameConverter::submit(int source, const video::GpuPreprocessor::PlaneView& view,
                                                          bool ownUpload) {
    Picture& p = pictures_.at(source);
    const auto& layout = view.layout;
    const VkDeviceSize bytes = static_cast<VkDeviceSize>(layout.srcWidth) * layout.srcHeight * 4;
    if (p.pixels.size() < bytes) {
        p.pixels = vk::Buffer(context_, bytes, vk::Buffer::Kind::Compute);
        // Streams recorded against the old buffer are stale.
        std::erase_if(streams_, [&](const auto& e) { return std::get<0>(e.first) == source; });
    }
    p.width = layout.srcWidth;
    p.height = layout.srcHeight;

    // A stream replays one recorded dispatch: one per distinct (planes, table, layout).
    // A new layout means new frame sizes, after which buffers may have been
    // re-created (and their handles reused): forget the source's old streams.
    std::vector<char> params(sizeof layout);
    std::memcpy(params.data(), &layout, sizeof layout);
    if (params != p.layout) {
        std::erase_if(streams_, [&](const auto& e) { return std::get<0>(e.first) == source; });
        p.layout = params;
    }
    StreamKey key{source, view.planes.buffer, view.table.buffer, p.pixels.handle(), params, ownUpload};
    auto& stream = streams_[key];
    if (!stream) {
        if (streams_.size() > 32) {  // frame sizes keep changing: start over rather than grow
            streams_.clear();
            return submit(source, view, ownUpload);
        }
        stream = std::make_shared<vk::CommandStream>(context_, kernels_, true);  // timestamps: the viewer's pacing
        if (ownUpload) uploader_.recordUpload(*stream, source);
        // The layout flags are a specialisation constant, as in preprocessing's pass 1.
        const vk::KernelKey kernel{
            shaders::ShaderId::display, {static_cast<int32_t>(kLocalSize), layout.flags}, 2, sizeof layout};
        const std::vector<vk::TexelInput> inputs = {{view.planes, video::GpuPreprocessor::kPlaneFormat},
                                                    {view.table, VK_FORMAT_R32G32B32A32_SFLOAT}};
        stream->dispatch(kernel, p.pixels.slice(0, bytes), inputs, &layout,
                         ops::flatGrid(static_cast<int64_t>(layout.srcWidth) * layout.srcHeight, kLocalSize));
        stream->finish();
    }
    // No wait here: on a single in-order queue it would also wait for the
    // inference submitted just before. The renderer's copy starts with a
    // compute->transfer barrier, and Viewer waits for the last render before
    // converting into the same picture again.
    stream->submit();
    submitted_.push_back(stream);
    return stream;
}

}  // namespace resvk::app::viewer
