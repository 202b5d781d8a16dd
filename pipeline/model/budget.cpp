#include "model/budget.h"

#include "model/op_params.h"

namespace resvk::model {

int64_t saturatingMul(int64_t a, int64_t b) {
    int64_t r;
    if (!__builtin_mul_overflow(a, b, &r)) return r;
    return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
}

int64_t saturatingAdd(int64_t a, int64_t b) {
    int64_t r;
    if (!__builtin_add_overflow(a, b, &r)) return r;
    return a < 0 ? INT64_MIN : INT64_MAX;
}

void FoldBudget::check(const Node& n, const Shape& shape) const {
    for (int64_t d : shape)
        if (d < 0) badNode(n, "the result shape " + toString(shape) + " has a negative dimension");
    const int64_t count = elementCount(shape);
    if (saturatingAdd(used_, count) > limit_)
        badNode(n, "it would create a constant of shape " + toString(shape) + " (" +
                       (count == INT64_MAX ? std::string("more than 2^63") : std::to_string(count)) +
                       " elements); resvk creates at most " + std::to_string(limit_) +
                       " constant elements for this model (twice its weights plus a fixed margin)");
}

void FoldBudget::add(const Node& n, int64_t elements) {
    check(n, {elements});
    used_ += elements;
}

int narrowAttr(const Node& n, const std::string& attr, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi)
        badNode(n, attr + " " + std::to_string(v) + " is out of range (" + std::to_string(lo) + " to " +
                       std::to_string(hi) + ")");
    return static_cast<int>(v);
}

}  // namespace resvk::model
