#pragma once
// ImageNet-style preprocessing on the CPU: torchvision's Resize(short side) +
// CenterCrop + ToTensor + Normalize on a PIL image, so a photo classified here gets
// the input tensor of the PyTorch references in shared/. Two rounding details follow
// those references rather than stock torchvision (see preprocess.cpp): the long side
// is rounded, not truncated, and the crop offset is rounded down.
#include <vector>

#include "video/image_decoder.h"

namespace resvk::classify {

struct PreprocessOptions {
    int inputHeight = 224, inputWidth = 224;  // network input
    int resizeShort = -1;    // -1: round(256 * inputHeight / 224)   (for 32x32 CIFAR input that gives 37)
    bool centerCrop = true;  // false: resize directly to input size (no crop)
    float mean[3] = {0.485f, 0.456f, 0.406f};
    float std[3] = {0.229f, 0.224f, 0.225f};
    float scale = 1.0f / 255.0f;
};

// Writes 3*H*W floats (CHW) for one image into out.
// Throws std::invalid_argument for an empty image or non-positive sizes.
void preprocess(const video::RgbImage& image, const PreprocessOptions& options, float* out);

// The resize + centre crop preprocess applies to a width x height picture: the
// resized size and the crop's top-left corner in it (negative: the crop is larger
// than the picture and zero-pads). Without centerCrop: the input size, corner 0.
struct ResizeCrop {
    int width = 0, height = 0, left = 0, top = 0;
};
ResizeCrop resizeCrop(const PreprocessOptions& options, int width, int height);

// PIL's antialiased bilinear filter for output position `position` of an
// inSize -> outSize resize: the first input index and the normalised weights.
struct ResampleTaps {
    int first = 0;
    std::vector<double> weights;
};
ResampleTaps resampleTaps(int inSize, int outSize, int position);

// The resize step alone (PIL's antialiased bilinear, 8-bit), exposed for tests and
// for callers that want the resized picture itself.
video::RgbImage resizeBilinear(const video::RgbImage& image, int width, int height);

}  // namespace resvk::classify
