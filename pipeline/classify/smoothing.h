#pragma once
// Temporal smoothing of per-frame class probabilities, so the label shown on a
// video does not flicker between near-equal classes from one frame to the next.
#include <vector>

namespace resvk::classify {

// Exponential moving average over probability vectors:
//
//     s = alpha * s + (1 - alpha) * p
//
// `alpha` is the WEIGHT OF THE PAST (the `--smooth A` option): 0 means no
// smoothing (the output is the latest frame's probabilities), values towards 1
// react more slowly (0.8 at 25 fps averages over roughly the last 5 frames).
// The first update after construction or reset() returns the input unchanged.
// A vector of a different length than the previous one restarts the average.
// Use one instance per source; not thread-safe.
class ProbabilitySmoother {
public:
    // Throws std::invalid_argument unless 0 <= alpha < 1 (alpha = 1 would freeze
    // the first frame forever).
    explicit ProbabilitySmoother(float alpha);

    // Folds in one frame and returns the smoothed vector (valid until the next call).
    const std::vector<float>& update(const std::vector<float>& probs);

    // Forgets the history (e.g. after a seek or a scene cut).
    void reset();

    float alpha() const { return alpha_; }

private:
    float alpha_;
    bool primed_ = false;
    std::vector<float> state_;
};

}  // namespace resvk::classify
