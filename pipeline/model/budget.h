#pragma once
// What a model file may make resvk compute and allocate. Every count a file
// claims (dims, offsets, lengths, attributes) goes through these checks before
// anything is allocated from it, so that a few hundred hostile bytes cannot
// wrap a size to 0, narrow an attribute, or ask for gigabytes.
#include <cstdint>
#include <string>

#include "model/graph.h"

namespace resvk::model {

// Overflow-checked arithmetic on counts: saturates at INT64_MAX (or INT64_MIN),
// which no budget below admits, so an overflow always ends as a clear error.
int64_t saturatingMul(int64_t a, int64_t b);
int64_t saturatingAdd(int64_t a, int64_t b);

// Constants that compile() creates, in all (folded tensors and the weights
// copied into layers): twice the model's own weights (a Constant node's value
// is folded, then copied into its layer) plus this many elements (512 MiB of
// int64). Real models fold shape arithmetic and small tensors; a model asking
// for more (a few hundred bytes of ConstantOfShape, 1000 Convs sharing one
// weight) is hostile or broken.
constexpr int64_t kFoldMarginElements = int64_t{1} << 26;
// One activation tensor: at most 2^28 elements (1 GiB of float; ResNet-50's
// largest activation at batch 256 is 2^27.6), so that a declared input or a
// Pad cannot make the runtime reserve gigabytes per value.
constexpr int64_t kMaxActivationElements = int64_t{1} << 28;

// The running total of constant elements that one compile() has created.
// check() is called before a tensor is allocated, add() after a node's
// outputs or layer weights exist (copies such as Identity count too).
class FoldBudget {
public:
    explicit FoldBudget(int64_t weightElements)
        : limit_(saturatingAdd(saturatingMul(weightElements, 2), kFoldMarginElements)) {}
    // Throws Error naming `n` when a tensor of `shape` (negative dims included)
    // does not fit in what is left.
    void check(const Node& n, const Shape& shape) const;
    void add(const Node& n, int64_t elements);
    int64_t limit() const { return limit_; }

private:
    int64_t limit_;
    int64_t used_ = 0;
};

// `v`, an integer attribute of `n`, narrowed to int: throws Error naming the
// node and attribute unless lo <= v <= hi (hi at most INT32_MAX).
int narrowAttr(const Node& n, const std::string& attr, int64_t v, int64_t lo, int64_t hi = INT32_MAX);

}  // namespace resvk::model
