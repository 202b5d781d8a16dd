#include "classify/smoothing.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace resvk::classify {

ProbabilitySmoother::ProbabilitySmoother(float alpha) : alpha_(alpha) {
    if (!(alpha >= 0.0f && alpha < 1.0f))  // also rejects NaN
        throw std::invalid_argument("smoothing weight must be in [0, 1), got " + std::to_string(alpha));
}

const std::vector<float>& ProbabilitySmoother::update(const std::vector<float>& probs) {
    if (!primed_ || state_.size() != probs.size()) {
        state_ = probs;
        primed_ = true;
        return state_;
    }
    const float past = alpha_, now = 1.0f - alpha_;
    for (size_t i = 0; i < probs.size(); ++i) state_[i] = past * state_[i] + now * probs[i];
    return state_;
}

void ProbabilitySmoother::reset() {
    primed_ = false;
    state_.clear();
}

}  // namespace resvk::classify
