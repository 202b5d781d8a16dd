// Preprocessing against torchvision's own output, plus softmax / top-k / labels.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "classify/labels.h"
#include "classify/preprocess.h"
#include "classify/topk.h"
#include "support/test_paths.h"
#include "video/image_decoder.h"

namespace fs = std::filesystem;
using namespace resvk;

namespace {

fs::path sharedFile(const std::string& relative) {
    return test::sharedPath(relative);
}

// Just enough of onnx.TensorProto to read a reference input: dims (field 1, varint
// or packed), data_type (2) and raw_data (9). The ONNX importer lives in
// pipeline/model; tests of preprocessing should not depend on it.
struct Tensor {
    std::vector<int64_t> dims;
    std::vector<float> data;
};

uint64_t readVarint(const std::string& s, size_t& pos) {
    uint64_t value = 0;
    for (int shift = 0; pos < s.size(); shift += 7) {
        const auto byte = static_cast<uint8_t>(s[pos++]);
        value |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if (!(byte & 0x80)) return value;
    }
    throw std::runtime_error("truncated varint");
}

Tensor readTensor(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    const std::string s((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    Tensor tensor;
    int dataType = 0;
    for (size_t pos = 0; pos < s.size();) {
        const uint64_t key = readVarint(s, pos);
        const int field = static_cast<int>(key >> 3), wire = static_cast<int>(key & 7);
        if (wire == 0) {
            const uint64_t v = readVarint(s, pos);
            if (field == 1) tensor.dims.push_back(static_cast<int64_t>(v));
            if (field == 2) dataType = static_cast<int>(v);
        } else if (wire == 2) {
            const size_t length = readVarint(s, pos), end = pos + length;
            if (field == 1)
                while (pos < end) tensor.dims.push_back(static_cast<int64_t>(readVarint(s, pos)));
            if (field == 9) {
                tensor.data.resize(length / 4);
                std::memcpy(tensor.data.data(), s.data() + pos, length);
            }
            pos = end;
        } else if (wire == 5) {
            pos += 4;
        } else if (wire == 1) {
            pos += 8;
        } else {
            throw std::runtime_error("unexpected wire type in " + path.string());
        }
    }
    if (dataType != 1) throw std::runtime_error("not a float tensor: " + path.string());
    return tensor;
}

struct Error {
    double mean = 0, max = 0;
};

Error compare(const std::vector<float>& ours, const float* reference) {
    Error e;
    for (size_t i = 0; i < ours.size(); ++i) {
        const double d = std::fabs(ours[i] - reference[i]);
        e.mean += d;
        e.max = std::max(e.max, d);
    }
    e.mean /= static_cast<double>(ours.size());
    return e;
}

std::vector<float> preprocessPhoto(const std::string& name, const classify::PreprocessOptions& options) {
    const auto image = video::decodeImage(sharedFile("media/" + name).string());
    std::vector<float> out(3 * static_cast<size_t>(options.inputHeight) * options.inputWidth);
    classify::preprocess(image, options, out.data());
    return out;
}

fs::path tempFile(const std::string& name, const std::string& contents) {
    const fs::path dir = fs::temp_directory_path() / ("resvk_classify_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path path = dir / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
}

}  // namespace

// Which photo each reference set holds was found by comparing against every photo
// in media/ (the closest is <= 0.018, the next ~0.9). The mean bound checks the
// resampler; the max bound is looser than the resampler alone would need because
// FFmpeg's JPEG chroma upsampling differs from libjpeg's (which PIL uses) at
// saturated colour edges of 4:2:0 photos: measured max 0.52 on butterfly.jpg,
// 0.47 on squirrel_cls.jpg, 0.05 on the 4:2:2 fruits.jpg.
constexpr double kMeanBound = 0.02, kMaxBound = 0.6;

TEST_CASE("preprocess matches the torchvision references (short side 256, crop 224)", "[classify][preprocess]") {
    const struct {
        const char* model;
        const char* photos[2];
    } cases[] = {{"torchvision_resnet18", {"squirrel_cls.jpg", "butterfly.jpg"}},
                 {"torchvision_resnet50", {"squirrel_cls.jpg", "fruits.jpg"}}};
    for (const auto& c : cases) {
        std::vector<float> batch;
        for (int set = 0; set < 2; ++set) {
            const Tensor reference = readTensor(sharedFile(std::string("models/reference/") + c.model +
                                                           "/test_data_set_" + std::to_string(set) + "/input_0.pb"));
            REQUIRE(reference.dims == std::vector<int64_t>{1, 3, 224, 224});
            const auto ours = preprocessPhoto(c.photos[set], {});
            const Error e = compare(ours, reference.data.data());
            INFO(c.model << " set " << set << " (" << c.photos[set] << "): mean abs " << e.mean << ", max abs "
                         << e.max);
            CHECK(e.mean < kMeanBound);
            CHECK(e.max < kMaxBound);
            batch.insert(batch.end(), ours.begin(), ours.end());
        }
        // The last set is the batch of the two before it.
        const Tensor reference =
            readTensor(sharedFile(std::string("models/reference/") + c.model + "/test_data_set_2/input_0.pb"));
        REQUIRE(reference.dims == std::vector<int64_t>{2, 3, 224, 224});
        CHECK(compare(batch, reference.data.data()).mean < kMeanBound);
    }
}

TEST_CASE("preprocess without crop matches the CIFAR references (photos resized to 32x32)", "[classify][preprocess]") {
    classify::PreprocessOptions options;
    options.inputHeight = options.inputWidth = 32;
    options.centerCrop = false;
    // Set 2 is an aerial photo that is not in media/, so it cannot be rebuilt here.
    const std::pair<int, const char*> sets[] = {{0, "squirrel_cls.jpg"}, {1, "HappyFish.jpg"}, {3, "orange.jpg"}};
    for (const auto& [set, photo] : sets) {
        const Tensor reference = readTensor(
            sharedFile("models/reference/cifar_resnet20/test_data_set_" + std::to_string(set) + "/input_0.pb"));
        REQUIRE(reference.dims == std::vector<int64_t>{1, 3, 32, 32});
        const Error e = compare(preprocessPhoto(photo, options), reference.data.data());
        INFO("cifar set " << set << " (" << photo << "): mean abs " << e.mean << ", max abs " << e.max);
        CHECK(e.mean < kMeanBound);
        CHECK(e.max < kMaxBound);
    }
}

TEST_CASE("preprocess geometry and normalisation", "[classify][preprocess]") {
    SECTION("a flat colour stays flat and is normalised per channel") {
        video::RgbImage image{300, 200, std::vector<uint8_t>(300 * 200 * 3)};
        for (size_t i = 0; i < image.pixels.size(); i += 3) {
            image.pixels[i] = 255;
            image.pixels[i + 1] = 128;
            image.pixels[i + 2] = 0;
        }
        std::vector<float> out(3 * 224 * 224);
        classify::preprocess(image, {}, out.data());
        CHECK(out[0] == Approx((1.0f - 0.485f) / 0.229f));
        CHECK(out[224 * 224 + 5000] == Approx((128 / 255.0f - 0.456f) / 0.224f));
        CHECK(out[2 * 224 * 224 + 224 * 224 - 1] == Approx(-0.406f / 0.225f));
    }
    SECTION("default short side is round(256 * H / 224): 37 for CIFAR's 32") {
        // A 74x37 picture with a left/right split: at short side 37 no vertical
        // resize happens and the 32-wide crop starts at round((74 - 32) / 2) = 21.
        video::RgbImage image{74, 37, std::vector<uint8_t>(74 * 37 * 3)};
        for (int y = 0; y < 37; ++y)
            for (int x = 0; x < 74; ++x) image.pixels[(y * 74 + x) * 3] = static_cast<uint8_t>(x);
        classify::PreprocessOptions options;
        options.inputHeight = options.inputWidth = 32;
        options.mean[0] = 0;
        options.std[0] = 1;
        options.scale = 1;
        std::vector<float> out(3 * 32 * 32);
        classify::preprocess(image, options, out.data());
        CHECK(out[0] == 21.0f);
        CHECK(out[31] == 52.0f);
    }
    SECTION("a crop larger than the picture pads with zeros like torchvision") {
        video::RgbImage image{4, 4, std::vector<uint8_t>(4 * 4 * 3, 255)};
        classify::PreprocessOptions options;
        options.inputHeight = options.inputWidth = 8;
        options.resizeShort = 4;
        options.mean[0] = 0;
        options.std[0] = 1;
        std::vector<float> out(3 * 8 * 8);
        classify::preprocess(image, options, out.data());
        CHECK(out[0] == 0.0f);
        CHECK(out[2 * 8 + 2] == Approx(1.0f));
    }
    SECTION("downscaling averages (antialiasing) rather than sampling") {
        // Alternating black/white columns: point-sampling bilinear would give 0 or
        // 255; the widened triangle filter gives mid-grey.
        video::RgbImage image{64, 2, std::vector<uint8_t>(64 * 2 * 3)};
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 64; x += 2)
                for (int c = 0; c < 3; ++c) image.pixels[(y * 64 + x) * 3 + c] = 255;
        const auto small = classify::resizeBilinear(image, 8, 2);
        for (int x = 1; x < 7; ++x) CHECK(std::abs(int(small.pixels[x * 3]) - 128) <= 2);
    }
    SECTION("empty images are rejected") {
        std::vector<float> out(3 * 224 * 224);
        CHECK_THROWS_AS(classify::preprocess(video::RgbImage{}, {}, out.data()), std::invalid_argument);
    }
}

TEST_CASE("softmax is stable and sums to one", "[classify][topk]") {
    const float logits[] = {1000.0f, 1001.0f, 999.0f};
    const auto p = classify::softmax(logits, 3);
    REQUIRE(p.size() == 3);
    CHECK(std::isfinite(p[0]));
    CHECK(p[0] + p[1] + p[2] == Approx(1.0f));
    CHECK(p[1] == Approx(std::exp(1.0) / (1 + std::exp(1.0) + std::exp(-1.0))));
    CHECK(classify::looksLikeProbabilities(p.data(), 3));
    CHECK_FALSE(classify::looksLikeProbabilities(logits, 3));
    const float almost[] = {0.5f, 0.49f};
    CHECK_FALSE(classify::looksLikeProbabilities(almost, 2));
    const float negative[] = {1.5f, -0.5f};
    CHECK_FALSE(classify::looksLikeProbabilities(negative, 2));
    const float nan[] = {std::nanf(""), 1.0f};
    CHECK_FALSE(classify::looksLikeProbabilities(nan, 2));
    CHECK(classify::softmax(logits, 0).empty());
}

TEST_CASE("topK orders by probability, ties by lower index, clamps k", "[classify][topk]") {
    const std::vector<float> probs = {0.1f, 0.3f, 0.1f, 0.3f, 0.2f};
    const auto top = classify::topK(probs, 3);
    REQUIRE(top.size() == 3);
    CHECK(top[0].index == 1);
    CHECK(top[1].index == 3);
    CHECK(top[2].index == 4);
    CHECK(top[2].prob == 0.2f);
    const auto all = classify::topK(probs, 99);
    REQUIRE(all.size() == 5);
    CHECK(all[3].index == 0);
    CHECK(all[4].index == 2);
    CHECK(classify::topK(probs, 0).empty());
    CHECK(classify::topK(probs, -3).empty());
}

TEST_CASE("labels load with CRLF and whitespace, and fall back to class N", "[classify][labels]") {
    const auto path = tempFile("labels.txt", "  cat \r\ndog\r\n\r\nbird\t\r\n\r\n\n");
    const auto labels = classify::loadLabels(path.string());
    CHECK(labels == std::vector<std::string>{"cat", "dog", "", "bird"});
    CHECK(classify::labelFor(labels, 1) == "dog");
    CHECK(classify::labelFor(labels, 2) == "class 2");
    CHECK(classify::labelFor(labels, 4) == "class 4");
    CHECK(classify::labelFor(labels, -1) == "class -1");

    const auto imagenet = classify::loadLabels(sharedFile("models/imagenet_classes.txt").string());
    CHECK(imagenet.size() == 1000);
    const auto cifar = classify::loadLabels(sharedFile("models/cifar10/labels.txt").string());
    CHECK(cifar.size() == 10);

    try {
        classify::loadLabels("/nonexistent/labels.txt");
        FAIL("expected an error");
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("/nonexistent/labels.txt"));
    }
    const auto blank = tempFile("blank.txt", "\r\n  \n");
    try {
        classify::loadLabels(blank.string());
        FAIL("expected an error");
    } catch (const std::runtime_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("no labels"));
    }
    fs::remove_all(path.parent_path());
}
