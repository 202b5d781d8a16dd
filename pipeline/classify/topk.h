#pragma once
// Turning a model's output vector into the few predictions a user reads.
#include <vector>

namespace resvk::classify {

struct Prediction {
    int index;
    float prob;
};

// Numerically stable (max-subtracted) softmax of n logits.
std::vector<float> softmax(const float* logits, int n);

// The k most probable entries, best first; equal probabilities keep the lower
// index first so output is deterministic. k is clamped to [0, probs.size()].
std::vector<Prediction> topK(const std::vector<float>& probs, int k);

// True when the values already form a distribution (all in [0, 1], sum within
// 1e-3 of 1): the model ends in Softmax and applying another would flatten it.
bool looksLikeProbabilities(const float* values, int n);

}  // namespace resvk::classify
