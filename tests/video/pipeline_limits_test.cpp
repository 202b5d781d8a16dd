// The video pipeline on a device whose buffer limits a tick's batch exceeds:
// the tick runs as several sub-batches and every frame gets the result it gets
// on a device where the whole batch fits.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <vector>

#include "model/model.h"
#include "support/test_paths.h"
#include "video/video_pipeline.h"

using namespace resvk;

namespace {

// Top-1 and its probability per delivered frame, in delivery order.
std::vector<std::pair<int, float>> classifyClip(vk::Context& context, const model::Model& m) {
    std::vector<std::unique_ptr<video::FrameSource>> sources;
    sources.push_back(std::make_unique<video::FrameSource>(0, "lavfi:testsrc2=size=96x64:rate=10:duration=2",
                                                           video::SourceOptions{}));
    video::PipelineOptions options;
    options.preprocess.inputHeight = options.preprocess.inputWidth = 32;
    options.preprocess.centerCrop = false;
    options.framesPerFile = 8;
    video::VideoPipeline pipeline(context, m, sources, options);
    std::vector<std::pair<int, float>> results;
    std::atomic<bool> stop{false};
    pipeline.run(
        [&](const video::FrameEvent& e) {
            REQUIRE(e.probs);
            const auto& p = *e.probs;
            const int best = int(std::max_element(p.begin(), p.end()) - p.begin());
            results.push_back({best, p[size_t(best)]});
        },
        stop);
    return results;
}

}  // namespace

TEST_CASE("video pipeline: a batch past the buffer limits runs in sub-batches", "[video][limits]") {
    const auto m = model::Model::load(test::sharedPath("models/cifar10/resnet20_cifar10.onnx"));
    vk::ContextOptions whole, limited;
    // ResNet-20's tensors are 64 KiB per image (~150 KiB of Winograd F(4x4) scratch
    // on the CPU profile, whose 64-channel weights take 576 KiB): 640 KiB holds a
    // batch of 4 at most, so the 8-frame ticks must split.
    limited.traits.maxBufferRange = 640 * 1024;
    vk::Context wide(whole), narrow(limited);
    const auto want = classifyClip(wide, m);
    const uint64_t before = narrow.submissions();
    const auto got = classifyClip(narrow, m);
    REQUIRE(want.size() == 20);
    REQUIRE(got.size() == want.size());
    // 20 frames come in three ticks (8, 8, 4): sub-batches make more submissions than ticks.
    CHECK(narrow.submissions() - before > 3);
    for (size_t i = 0; i < want.size(); ++i) {
        INFO("frame " << i);
        CHECK(got[i].first == want[i].first);
        CHECK(got[i].second == Approx(want[i].second).margin(1e-4));
    }
}
