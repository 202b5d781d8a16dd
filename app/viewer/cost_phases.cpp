#include "viewer/cost_phases.h"

#include "common.h"

namespace resvk::app::viewer {

namespace {
// The first phases also carry start-up (the first window frames build their
// pipelines): skip one of each.
constexpr int kSkippedPhases = 2;
}  // namespace

int CostPhases::phase() const {
    return framesPerPhase_ > 0 ? static_cast<int>((classified_ / framesPerPhase_) % 2) : 1;
}

void CostPhases::classified(double now) {
    // A frame's time is the gap since the previous one, counted in the phase it ends.
    if (last_ >= 0.0 && framesPerPhase_ > 0 && classified_ >= kSkippedPhases * framesPerPhase_) {
        seconds_[phase()] += now - last_;
        ++frames_[phase()];
    }
    last_ = now;
    ++classified_;
}

std::string CostPhases::report() const {
    if (frames_[0] == 0 || frames_[1] == 0)
        return format("window cost: too few frames for --cost-phases %d (needs %d)", framesPerPhase_,
                      (kSkippedPhases + 2) * framesPerPhase_);
    const double without = seconds_[0] / frames_[0], with = seconds_[1] / frames_[1];
    return format(
        "window cost: %.2f ms per frame without drawing, %.2f ms with the window at %.1f fps (%lld + %lld "
        "frames): %.1f %% of inference throughput",
        1e3 * without, 1e3 * with, shown_[1] / seconds_[1], static_cast<long long>(frames_[0]),
        static_cast<long long>(frames_[1]), 100.0 * (1.0 - without / with));
}

}  // namespace resvk::app::viewer
