// Still-image decoding: real photos, other formats made with the ffmpeg CLI, and
// the broken inputs a user actually passes by mistake.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

#include "support/test_paths.h"
#include "video/image_decoder.h"

namespace fs = std::filesystem;
using resvk::video::DecodeError;
using resvk::video::decodeImage;
using resvk::video::RgbImage;

namespace {

fs::path media(const std::string& name) {
    return resvk::test::sharedPath("media/" + name);
}

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("resvk_image_test_" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string run(const std::string& command) {
    std::string output;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[256];
        while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
        ::pclose(pipe);
    }
    return output;
}

double meanAbsDiff(const RgbImage& a, const RgbImage& b) {
    double sum = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
    return sum / static_cast<double>(a.pixels.size());
}

// Expects a DecodeError whose single-line message names the file and says why.
void requireDecodeError(const fs::path& path, const std::string& why) {
    try {
        decodeImage(path.string());
        FAIL("no error for " << path.string());
    } catch (const DecodeError& e) {
        const std::string message = e.what();
        INFO(message);
        CHECK(message.find(path.string()) != std::string::npos);
        CHECK(message.find(why) != std::string::npos);
        CHECK(message.find('\n') == std::string::npos);
    }
}

}  // namespace

TEST_CASE("decodes every shared photo to tight RGB", "[video][image]") {
    for (const char* name : {"squirrel_cls.jpg", "butterfly.jpg", "fruits.jpg", "HappyFish.jpg", "orange.jpg",
                             "apple.jpg", "baboon.jpg", "messi5.jpg"}) {
        const RgbImage image = decodeImage(media(name).string());
        INFO(name << " " << image.width << "x" << image.height);
        CHECK(image.width >= 100);
        CHECK(image.height >= 100);
        CHECK(image.width <= 4096);
        CHECK(image.pixels.size() == static_cast<size_t>(image.width) * image.height * 3);
        // A real photo is neither constant nor grey-filled by error concealment.
        const auto [lo, hi] = std::minmax_element(image.pixels.begin(), image.pixels.end());
        CHECK(int(*hi) - int(*lo) > 100);
    }
}

TEST_CASE("dimensions agree with ffprobe", "[video][image]") {
    const fs::path path = media("squirrel_cls.jpg");
    const std::string probed =
        run("ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x '" + path.string() +
            "'");
    const RgbImage image = decodeImage(path.string());
    CHECK(probed == std::to_string(image.width) + "x" + std::to_string(image.height) + "\n");
}

TEST_CASE("decodes PNG, BMP, WebP, TIFF and GIF made from a JPEG", "[video][image]") {
    TempDir dir;
    const fs::path source = media("fruits.jpg");
    const RgbImage reference = decodeImage(source.string());
    // The ffmpeg CLI converts the JPEG's YUV to RGB with its own swscale settings,
    // so even lossless formats differ by about one level (measured 1.2); lossy WebP
    // and 256-colour dithered GIF differ more.
    const std::pair<const char*, double> formats[] = {
        {"png", 2.0}, {"bmp", 2.0}, {"tiff", 2.0}, {"webp", 6.0}, {"gif", 24.0}};
    for (const auto& [extension, tolerance] : formats) {
        const fs::path converted = dir.path / (std::string("fruits.") + extension);
        const int rc = std::system(
            ("ffmpeg -nostdin -loglevel error -y -i '" + source.string() + "' '" + converted.string() + "'").c_str());
        REQUIRE(rc == 0);
        const RgbImage image = decodeImage(converted.string());
        INFO(extension);
        REQUIRE(image.width == reference.width);
        REQUIRE(image.height == reference.height);
        const double diff = meanAbsDiff(image, reference);
        INFO("mean abs difference " << diff);
        CHECK(diff < tolerance);
    }
}

TEST_CASE("broken inputs throw one helpful line naming the file", "[video][image]") {
    TempDir dir;
    requireDecodeError(dir.path / "does_not_exist.jpg", "no such file");
    requireDecodeError(dir.path, "is a directory");

    const fs::path empty = dir.path / "empty.jpg";
    std::ofstream(empty).close();
    requireDecodeError(empty, "empty");

    const fs::path text = dir.path / "x.jpg";
    std::ofstream(text) << "this is not a picture, just some text\n";
    requireDecodeError(text, "image");

    std::ifstream in(media("squirrel_cls.jpg"), std::ios::binary);
    const std::string jpeg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const fs::path head = dir.path / "head.jpg";
    std::ofstream(head, std::ios::binary) << jpeg.substr(0, 300);
    requireDecodeError(head, "truncated");

    const fs::path half = dir.path / "half.jpg";
    std::ofstream(half, std::ios::binary) << jpeg.substr(0, jpeg.size() / 2);
    requireDecodeError(half, "truncated");
}

namespace {

uint32_t crc32(const std::string& bytes) {
    uint32_t c = 0xffffffffu;
    for (unsigned char b : bytes) {
        c ^= b;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

std::string bigEndian(uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string pngChunk(const std::string& type, const std::string& data) {
    return bigEndian(static_cast<uint32_t>(data.size())) + type + data + bigEndian(crc32(type + data));
}

}  // namespace

TEST_CASE("a picture over FFmpeg's pixel limit is called too large, not corrupt", "[image]") {
    // a well-formed 16384x16384 RGB header: FFmpeg refuses the size before reading any pixel
    const std::string ihdr = bigEndian(16384) + bigEndian(16384) + std::string("\x08\x02\x00\x00\x00", 5);
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) +
                            pngChunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) + pngChunk("IEND", "");
    TempDir dir;
    const fs::path path = dir.path / "huge.png";
    std::ofstream(path, std::ios::binary) << png;
    requireDecodeError(path, "16384x16384 pixels, over FFmpeg's limit");
}
