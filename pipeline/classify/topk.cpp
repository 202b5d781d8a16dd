#include "classify/topk.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace resvk::classify {

std::vector<float> softmax(const float* logits, int n) {
    if (n <= 0) return {};
    const float maxLogit = *std::max_element(logits, logits + n);
    std::vector<float> probs(n);
    // Accumulate in double: 1000 small terms lose precision in float.
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        probs[i] = std::exp(logits[i] - maxLogit);
        sum += probs[i];
    }
    for (float& p : probs) p = static_cast<float>(p / sum);
    return probs;
}

std::vector<Prediction> topK(const std::vector<float>& probs, int k) {
    const int n = static_cast<int>(probs.size());
    k = std::clamp(k, 0, n);
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int a, int b) { return probs[a] != probs[b] ? probs[a] > probs[b] : a < b; });
    std::vector<Prediction> result;
    result.reserve(k);
    for (int i = 0; i < k; ++i) result.push_back({order[i], probs[order[i]]});
    return result;
}

bool looksLikeProbabilities(const float* values, int n) {
    if (n <= 0) return false;
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        // Written so NaN fails too.
        if (!(values[i] >= 0.0f && values[i] <= 1.0f)) return false;
        sum += values[i];
    }
    return std::fabs(sum - 1.0) <= 1e-3;
}

}  // namespace resvk::classify
