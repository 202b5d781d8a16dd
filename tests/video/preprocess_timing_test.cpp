// Time of video preprocessing on a 720p YUV420P frame -> 224 (resize of the
// short side to 256 + centre crop): the cost `resvk bench --source` pays per
// frame on top of inference: the upload (a copy, and pass 1 where it runs on the
// host) and the GPU passes. Hidden ([.]): it measures, it checks nothing that
// preprocess_gpu_test.cpp does not; run it by hand with
//   video_preprocess_tests "[preprocess-timing]"
// and RESVK_HOST_PREPROCESS=0|1 for either place of pass 1.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

#include "ops/tensor.h"
#include "reference/op_harness.h"
#include "video/frame.h"
#include "video/preprocess_gpu.h"

using namespace resvk;

TEST_CASE("GPU preprocessing time of a 720p frame", "[.][preprocess-timing]") {
    video::FramePtr frame(av_frame_alloc());
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = 1280;
    frame->height = 720;
    REQUIRE(av_frame_get_buffer(frame.get(), 0) == 0);
    for (int p = 0; p < 3; ++p)  // any content: the kernel's cost does not depend on it
        for (int y = 0; y < (p ? 360 : 720); ++y)
            for (int x = 0; x < (p ? 640 : 1280); ++x)
                frame->data[p][y * frame->linesize[p] + x] = static_cast<uint8_t>(x * 7 + y * 3 + p * 50);

    auto& ctx = reference::gpuContext();
    const classify::PreprocessOptions o;  // 224, short side 256, centre crop
    video::GpuPreprocessor pre(ctx, reference::gpuKernels(), o, 1);
    const ops::Shape4 shape{1, 3, o.inputHeight, o.inputWidth};
    vk::Buffer buffer(ctx, ops::packedBytes(shape, vk::Precision::Fp32), vk::Buffer::Kind::Compute);
    vk::CommandStream stream(ctx, reference::gpuKernels(), true);
    ops::Recorder r{stream};
    pre.upload(*frame, 0);
    pre.record(r, 0, {buffer.slice(0, buffer.size()), shape}, 0);
    stream.submitAndWait();  // warm-up: pipeline creation, first touch of the buffers

    // Per dispatch and in all, over 20 submissions: min and median.
    std::vector<std::vector<double>> perDispatch(stream.dispatchCount());
    std::vector<double> gpuMs, wallMs, uploadMs;
    for (int i = 0; i < 20; ++i) {
        const auto u0 = std::chrono::steady_clock::now();
        pre.upload(*frame, 0);
        const auto t0 = std::chrono::steady_clock::now();
        uploadMs.push_back(std::chrono::duration<double, std::milli>(t0 - u0).count());
        stream.submitAndWait();
        wallMs.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        const auto ms = stream.dispatchMilliseconds();
        REQUIRE(ms.size() == perDispatch.size());
        gpuMs.push_back(0.0);
        for (size_t d = 0; d < ms.size(); ++d) {
            perDispatch[d].push_back(ms[d]);
            gpuMs.back() += ms[d];
        }
    }
    auto minMedian = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return std::pair{v.front(), v[v.size() / 2]};
    };
    for (size_t d = 0; d < perDispatch.size(); ++d) {
        const auto [lo, mid] = minMedian(perDispatch[d]);
        WARN("dispatch " << d << " (" << shaders::name(stream.recordedShaders()[d]) << "): GPU min " << lo
                         << " ms, median " << mid << " ms");
    }
    const auto [gpuMin, gpuMedian] = minMedian(gpuMs);
    const auto [wallMin, wallMedian] = minMedian(wallMs);
    const auto [uploadMin, uploadMedian] = minMedian(uploadMs);
    WARN("720p yuv420p -> 224 crop, " << stream.dispatchCount() << " dispatch(es): GPU min " << gpuMin << " ms, median "
                                      << gpuMedian << " ms; submit+wait min " << wallMin << " ms, median " << wallMedian
                                      << " ms; upload (host) min " << uploadMin << " ms, median " << uploadMedian
                                      << " ms (20 runs)");
    CHECK(gpuMin > 0.0);
}
