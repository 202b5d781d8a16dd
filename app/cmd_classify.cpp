// resvk classify: the top-K classes of photos.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "classify/labels.h"
#include "classify/preprocess.h"
#include "classify/topk.h"
#include "common.h"
#include "json.h"
#include "runtime/engine.h"
#include "video/image_decoder.h"

namespace resvk::app {

const CommandSpec& classifySpec() {
    static const CommandSpec spec{
        "classify",
        "IMAGE... --model MODEL.onnx [options]",
        "Classifies photos (jpg, png, bmp, webp, ... anything FFmpeg decodes) with an ONNX image\n"
        "classifier. Each image is resized (short side), centre-cropped to the model's input size\n"
        "and normalised (torchvision's ImageNet preprocessing), then images run in batches; the\n"
        "outputs go through softmax unless they already are probabilities, and the top K are printed.",
        "IMAGE",
        1,
        {{"model", "MODEL.onnx", "the classifier (required): one 3-channel NCHW input", ""},
         {"labels", "FILE", "class names, one per line in output order", "labels.txt next to the model, else \"class N\""},
         {"top", "K", "how many classes to print per image", "5"},
         {"json", "", "print one JSON document instead of text", ""},
         {"batch", "N", "images per GPU run", "8"},
         {"resize", "S", "resize the short side to S before the crop", "round(256 * H / 224), 256 for 224"},
         {"crop", "HxW", "centre-crop size = network input; needed only when the model's H/W are symbolic",
          "the model's input size, 224x224 if symbolic"},
         {"no-crop", "", "resize the whole image straight to the input size (CIFAR-style, no crop)", ""},
         {"mean", "R,G,B", "per-channel mean subtracted after scaling to [0,1]", "0.485,0.456,0.406"},
         {"std", "R,G,B", "per-channel standard deviation divided by", "0.229,0.224,0.225"},
         deviceOption()},
        {"resvk classify ../shared/media/squirrel_cls.jpg ../shared/media/orange.jpg \\\n"
         "      --model ../shared/models/cifar10/resnet20_cifar10.onnx --resize 32 --no-crop",
         "resvk classify ../shared/media/*.jpg --model ../shared/models/reference/torchvision_resnet18/model.onnx \\\n"
         "      --labels ../shared/models/imagenet_classes.txt --top 3",
         "resvk classify ../shared/media/butterfly.jpg --model ../shared/models/cifar10/resnet20_cifar10.onnx \\\n"
         "      --no-crop --json"},
        "CIFAR models were trained on whole 32x32 pictures: use --no-crop (optionally --resize 32)."};
    return spec;
}

namespace {

struct InputGeometry {
    std::string name;
    int batch = -1;  // fixed batch of the model, -1 = free
    int height = 224, width = 224;
};

InputGeometry checkInput(const model::Model& m, const Args& args) {
    if (m.inputs().size() != 1)
        throw model::Error(format("model has %zu inputs: classify needs exactly one image input", m.inputs().size()));
    const auto& in = m.inputs()[0];
    if (in.shape.size() != 4 || in.shape[1] != 3)
        throw model::Error("model input '" + in.name + "' is " + shapeText(in.shape) +
                           ": classify needs a 3-channel image input (Nx3xHxW)");
    InputGeometry g{in.name, static_cast<int>(in.shape[0])};
    if (in.shape[2] > 0) g.height = static_cast<int>(in.shape[2]);
    if (in.shape[3] > 0) g.width = static_cast<int>(in.shape[3]);
    if (auto crop = args.value("crop")) {
        int h = 0, w = 0;
        char tail = 0;
        if (std::sscanf(crop->c_str(), "%dx%d%c", &h, &w, &tail) != 2 || h <= 0 || w <= 0 || h > 8192 || w > 8192)
            args.fail("--crop expects HxW, e.g. 224x224, got '" + *crop + "'");
        if ((in.shape[2] > 0 && in.shape[2] != h) || (in.shape[3] > 0 && in.shape[3] != w))
            args.fail("--crop " + *crop + " does not match the model's input " + shapeText(in.shape));
        g.height = h;
        g.width = w;
    }
    return g;
}

classify::PreprocessOptions preprocessOptions(const Args& args, const InputGeometry& g) {
    classify::PreprocessOptions p;
    p.inputHeight = g.height;
    p.inputWidth = g.width;
    p.centerCrop = !args.has("no-crop");
    if (args.has("resize")) {
        p.resizeShort = args.integer("resize", -1, 1, 16384);
        if (!p.centerCrop && (p.resizeShort != g.height || p.resizeShort != g.width))
            args.fail(format("--no-crop resizes straight to the %dx%d input, so --resize must be %d or left out",
                             g.height, g.width, g.height));
        if (p.centerCrop && (p.resizeShort < g.height || p.resizeShort < g.width))
            args.fail(format("--resize %d is smaller than the %dx%d crop", p.resizeShort, g.height, g.width));
    }
    if (auto v = args.numbers("mean", 3); !v.empty()) std::copy(v.begin(), v.end(), p.mean);
    if (auto v = args.numbers("std", 3); !v.empty()) {
        for (float s : v)
            if (s == 0.0f) args.fail("--std values must be non-zero");
        std::copy(v.begin(), v.end(), p.std);
    }
    return p;
}

std::vector<std::string> findLabels(const Args& args, const std::string& modelPath) {
    if (auto file = args.value("labels")) return classify::loadLabels(*file);
    auto next = std::filesystem::path(modelPath).parent_path() / "labels.txt";
    std::error_code ec;
    if (std::filesystem::is_regular_file(next, ec)) return classify::loadLabels(next.string());
    return {};
}

}  // namespace

int runClassify(const Args& args) {
    if (!args.has("model")) args.fail("missing --model MODEL.onnx");
    const int top = args.integer("top", 5, 1, 1000000);
    const int batchOption = args.integer("batch", 8, 1, 4096);
    if (args.has("crop") && args.has("no-crop")) args.fail("--crop and --no-crop exclude each other");
    args.numbers("mean", 3);  // usage errors before any slow work
    args.numbers("std", 3);
    const bool json = args.has("json");
    const std::string modelPath = *args.value("model");

    model::Model m = loadModel(modelPath);
    const InputGeometry g = checkInput(m, args);
    const classify::PreprocessOptions prep = preprocessOptions(args, g);
    const std::vector<std::string> labels = findLabels(args, modelPath);

    // Decode everything first: a bad image fails before anything is printed.
    const auto& images = args.positionals();
    const size_t imageSize = static_cast<size_t>(3) * g.height * g.width;
    std::vector<float> pixels(imageSize * images.size());
    for (size_t i = 0; i < images.size(); ++i) {
        video::RgbImage rgb = video::decodeImage(images[i]);
        classify::preprocess(rgb, prep, pixels.data() + i * imageSize);
    }

    auto context = openDevice(args);
    runtime::Engine engine(*context, m);
    const int batch = g.batch > 0 ? g.batch : batchOption;
    std::vector<std::vector<classify::Prediction>> results;
    for (size_t start = 0; start < images.size(); start += batch) {
        const size_t count = std::min(images.size() - start, static_cast<size_t>(batch));
        const int64_t runBatch = g.batch > 0 ? g.batch : static_cast<int64_t>(count);  // fixed batch: zero-pad
        model::HostTensor input{g.name, {runBatch, 3, g.height, g.width}, {}};
        input.data.assign(static_cast<size_t>(runBatch) * imageSize, 0.0f);
        std::copy(pixels.begin() + start * imageSize, pixels.begin() + (start + count) * imageSize, input.data.begin());
        auto outputs = engine.run({input});
        if (outputs.empty() || outputs[0].shape.empty() || outputs[0].shape[0] != runBatch)
            throw model::Error("model output is not one row of scores per image");
        const auto& out = outputs[0];
        const int classes = static_cast<int>(out.data.size() / runBatch);
        for (size_t k = 0; k < count; ++k) {
            const float* row = out.data.data() + k * classes;
            std::vector<float> probs = classify::looksLikeProbabilities(row, classes)
                                           ? std::vector<float>(row, row + classes)
                                           : classify::softmax(row, classes);
            results.push_back(classify::topK(probs, top));
        }
    }

    if (json) {
        Json j;
        j.beginObject().key("model").value(modelPath).key("device").value(context->info().name).key("results").beginArray();
        for (size_t i = 0; i < images.size(); ++i) {
            j.beginObject().key("image").value(images[i]).key("top").beginArray();
            for (const auto& p : results[i])
                j.beginObject().key("label").value(classify::labelFor(labels, p.index)).key("index").value(p.index)
                    .key("prob").value(static_cast<double>(p.prob)).endObject();
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
