#include "viewer/display_pacer.h"

#include <algorithm>

namespace resvk::app::viewer {

namespace {
// Credit is capped so that a long idle stretch does not buy a burst of frames
// later, and so is debt, so that one slow frame does not freeze the window.
constexpr double kMaxCredit = 0.02;
constexpr double kMaxDebt = 0.25;
constexpr size_t kRecent = 9;              // costs remembered
constexpr double kOutlierFactor = 3.0;     // a measured cost this far above the recent median is a one-off
constexpr double kUsualSpanWeight = 0.05;  // of each new frame in the moving average

double median(std::vector<double> values) {
    std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
    return values[values.size() / 2];
}
}  // namespace

DisplayPacer::DisplayPacer(double budget, int framesPerTick)
    : budget_(std::max(0.0, budget)), affectedFrames_(2 * std::max(1, framesPerTick)), credit_(kMaxCredit) {}

void DisplayPacer::classified(double now) {
    const double span = lastClassified_ >= 0.0 ? now - lastClassified_ : -1.0;
    lastClassified_ = now;
    if (span < 0.0) return;
    if (affectedLeft_ > 0) {
        affectedSeconds_ += span;
        if (--affectedLeft_ == 0 && usualSpan_ >= 0.0) {
            impacts_.push_back(std::max(0.0, affectedSeconds_ - affectedFrames_ * usualSpan_));
            if (impacts_.size() > kRecent) impacts_.erase(impacts_.begin());
        }
        return;
    }
    usualSpan_ = usualSpan_ < 0.0 ? span : usualSpan_ + kUsualSpanWeight * (span - usualSpan_);
}

bool DisplayPacer::due(double now, double idle) {
    if (budget_ >= 1.0) return true;
    // Until one shown frame's impact is known, show the next only after it is.
    if (impacts_.empty() && (affectedLeft_ > 0 || usualSpan_ < 0.0)) return false;
    if (lastNow_ >= 0.0)
        credit_ = std::min(kMaxCredit, credit_ + budget_ * (now - lastNow_) + std::max(0.0, idle - lastIdle_));
    lastNow_ = now;
    lastIdle_ = idle;
    return credit_ > 0.0;
}

double DisplayPacer::costEstimate(double measured) const {
    if (!measuredCosts_.empty()) measured = std::min(measured, kOutlierFactor * median(measuredCosts_));
    return impacts_.empty() ? measured : std::max(measured, median(impacts_));
}

void DisplayPacer::shown(double measured) {
    if (!measuredCosts_.empty()) credit_ = std::max(-kMaxDebt, credit_ - costEstimate(measured));
    measuredCosts_.push_back(measured);
    if (measuredCosts_.size() > kRecent) measuredCosts_.erase(measuredCosts_.begin());
    // Measure this frame's impact on the next frames; a frame shown before the
    // last one's was measured starts over (frames shown back to back leave no
    // usual frames to compare with: the measured time is charged then).
    affectedLeft_ = affectedFrames_;
    affectedSeconds_ = 0.0;
}

}  // namespace resvk::app::viewer
