#pragma once
// Measures what the window costs inference, within one run (the machine's
// speed drifts too much between runs to see a few percent): classified frames
// alternate between phases of N frames with the window not drawing and N
// frames drawing as usual, and the time per frame of each kind is compared.
// `resvk view --cost-phases N` (bench/viewer.sh).
#include <cstdint>
#include <string>

namespace resvk::app::viewer {

class CostPhases {
public:
    explicit CostPhases(int framesPerPhase) : framesPerPhase_(framesPerPhase) {}

    // A classified frame arrived at `now` (seconds).
    void classified(double now);
    void shown() { ++shown_[phase()]; }
    // May the window draw now? Always, unless measuring and in a phase without drawing.
    bool drawing() const { return framesPerPhase_ <= 0 || phase() == 1; }
    // "window cost: ..." one line with both frame times and the cost.
    std::string report() const;

private:
    int phase() const;

    int framesPerPhase_;
    int64_t classified_ = 0;
    double last_ = -1.0;
    double seconds_[2] = {0, 0};  // per phase: time between consecutive classified frames
    int64_t frames_[2] = {0, 0};
    int64_t shown_[2] = {0, 0};
};

}  // namespace resvk::app::viewer
