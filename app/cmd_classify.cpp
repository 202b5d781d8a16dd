// resvk classify: the top-K classes of photos.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "classify/image_classifier.h"
#include "classify/labels.h"
#include "classify/preprocess.h"
#include "classify/topk.h"
#include "classify_setup.h"
#include "classify_video.h"
#include "common.h"
#include "json.h"
#include "publish_setup.h"
#include "video/image_decoder.h"

namespace resvk::app {

const CommandSpec& classifySpec() {
    static const CommandSpec spec{
        "classify",
        "SOURCE... --model MODEL.onnx [options]",
        "Classifies photos and video with an ONNX image classifier on the GPU.\n"
        "A SOURCE is a photo (jpg, png, bmp, webp, tiff), a video file (any container/codec FFmpeg\n"
        "decodes), a webcam (/dev/video0), a network stream (rtsp://, http(s)://, udp://, srt://) or\n"
        "an FFmpeg virtual source (lavfi:testsrc2=size=1280x720:rate=30).\n"
        "Video may come from a pipe or FIFO: `-` is standard input (cat clip.mp4 | resvk classify -).\n"
        "Photos are resized (short side), centre-cropped to the model's input size, normalised\n"
        "(torchvision's ImageNet preprocessing) and run in batches. Video frames get the same\n"
        "preprocessing on the GPU; several sources are batched together, one frame of each per step\n"
        "(files: every frame, as fast as possible; live sources: the newest frame, dropping what\n"
        "inference cannot keep up with). Outputs go through softmax unless they already are\n"
        "probabilities, and the top K are printed.",
        "SOURCE",
        1,
        optionGroups(
            {modelOptionSpecs(),
             {{"top", "K", "how many classes to print per image", "5"},
              {"json", "", "print one JSON document instead of text (video: JSON Lines)", ""},
              {"batch", "N", "photos per GPU run; for video files, frames of each file per GPU run", "8"}},
             preprocessOptionSpecs(),
             {{"every", "N", "video: classify every Nth frame of each source", "1"},
              {"smooth", "A", "video: average probabilities over time, A = weight of the past in [0, 1)", "0 (off)"},
              {"csv", "", "video: one CSV row per frame and rank instead of text", ""},
              {"output", "FILE", "video: write each source re-encoded with its labels drawn in (-N suffix for several)",
               ""},
              {"realtime", "", "video: pace files to their timestamps instead of running as fast as possible", ""},
              {"strict", "", "video: exit 1 when a source was damaged or ended with an error", ""}},
             regionOptionSpecs(),
             sourceOptionSpecs(),
             {{"verbose", "", "say when a pixel format needs the CPU fallback", ""},
              deviceOption(),
              deviceProfileOption(),
              precisionOption()},
             publishOptionSpecs()}),
        {"resvk classify photo.jpg --model resnet18-v1-7 --labels imagenet  # after: resvk models pull resnet18-v1-7",
         "resvk classify *.jpg --model model.onnx --labels labels.txt --top 3",
         "resvk classify cifar_image.png --model resnet20_cifar10.onnx --no-crop --labels cifar10 --json",
         "resvk classify street.mp4 --model resnet18-v1-7 --json --output annotated.mp4",
         "resvk classify /dev/video0 rtsp://camera.local/stream --model resnet50-v2-7 --smooth 0.8",
         "resvk classify rtsp://cam/stream --model resnet18-v1-7 --reconnect 300 --json  # ride out camera reboots",
         "resvk classify shop.mp4 --model m.onnx --roi door=0,0,0.3,1 --roi till=900,400,320,240 --output boxes.mp4",
         "resvk classify a.mp4 udp://0.0.0.0:5000 --model m.onnx --roi 1@gate=0.5,0,0.5,1  # a region of source 1"},
        "CIFAR models were trained on whole 32x32 pictures: use --no-crop (optionally --resize 32).\n" +
            publishHelpNotes()};
    return spec;
}

int runClassify(const Args& args) {
    if (!args.has("model")) args.fail("missing --model MODEL.onnx");
    const int top = args.integer("top", 5, 1, 1000000);
    const int batchOption = args.integer("batch", 8, 1, 4096);
    if (args.has("crop") && args.has("no-crop")) args.fail("--crop and --no-crop exclude each other");
    args.numbers("mean", 3);  // usage errors before any slow work
    args.numbers("std", 3);
    checkRegionSyntax(args);
    const bool json = args.has("json");
    const std::string modelPath = *args.value("model");

    model::Model m = loadModel(modelPath);
    const InputGeometry g = checkInput(m, args);
    const classify::PreprocessOptions prep = preprocessOptions(args, g);
    const std::vector<std::string> labels = findLabels(args, modelPath);
    const auto& sources = args.positionals();
    if (!std::all_of(sources.begin(), sources.end(), isStillImage)) return runClassifyVideo(args, m, prep, labels);
    for (const char* o : {"publish", "metrics"})
        if (args.has(o)) args.fail(std::string("--") + o + " publishes video results; photos print them (--json)");
    if (args.has("roi")) args.fail("--roi applies to video sources; photos are classified whole");

    // Decode a batch at a time (a decoded photo is much larger than its network
    // input) and print at the end: a bad image fails before anything is printed,
    // and one in the first batch before the device is opened.
    const auto& images = args.positionals();
    const size_t batch = g.batch > 0 ? g.batch : batchOption;
    std::unique_ptr<vk::Context> context;
    std::unique_ptr<classify::ImageClassifier> classifier;
    std::vector<std::vector<classify::Prediction>> results;
    for (size_t start = 0; start < images.size(); start += batch) {
        std::vector<video::RgbImage> decoded;
        for (size_t i = start; i < std::min(images.size(), start + batch); ++i)
            decoded.push_back(video::decodeImage(images[i]));
        std::vector<classify::RgbView> views;
        for (const auto& rgb : decoded)
            views.push_back({rgb.pixels.data(), rgb.width, rgb.height, static_cast<ptrdiff_t>(rgb.width) * 3});
        if (!classifier) {
            context = openDevice(args);
            classifier = std::make_unique<classify::ImageClassifier>(*context, m, g, prep, static_cast<int>(batch));
        }
        // The CPU route: torchvision's preprocessing to the letter, as the PyTorch references had it.
        for (const auto& probs : classifier->classify(views, classify::PictureRoute::Cpu))
            results.push_back(classify::topK(probs, top));
    }

    if (json) {
        Json j;
        j.beginObject()
            .key("model")
            .value(modelPath)
            .key("device")
            .value(context->info().name)
            .key("results")
            .beginArray();
        for (size_t i = 0; i < images.size(); ++i) {
            j.beginObject().key("image").value(images[i]).key("top").beginArray();
            for (const auto& p : results[i])
                j.beginObject()
                    .key("label")
                    .value(classify::labelFor(labels, p.index))
                    .key("index")
                    .value(p.index)
                    .key("prob")
                    .value(static_cast<double>(p.prob))
                    .endObject();
            j.endArray().endObject();
        }
        j.endArray().endObject();
        std::cout << j.str() << "\n";
        return 0;
    }
    for (size_t i = 0; i < images.size(); ++i) {
        if (i) std::cout << "\n";
        std::cout << images[i] << "\n";
        for (const auto& p : results[i])
            std::cout << format("  %.3f  %s (%d)\n", p.prob, classify::labelFor(labels, p.index).c_str(), p.index);
    }
    return 0;
}

}  // namespace resvk::app
