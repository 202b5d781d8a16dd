#pragma once
// Decides when the window may show a new frame, so that drawing costs the
// network at most a set share of its throughput. A token bucket: credit accrues
// at `budget` seconds per second of wall time, plus every second the network
// sat idle waiting for input (drawing then costs it nothing), and each shown
// frame is charged its cost. A frame may be shown while the credit is positive.
//
// The cost of a shown frame is what it did to the network: how much longer the
// classified frames right after it took than the usual frame (measured, median
// of the recent ones), and at least the GPU and CPU time spent drawing it. The
// first catches costs no timer sees: a CPU Vulkan driver presenting
// synchronously (the queue drains, then idles while the image is copied out),
// the window server's copy, rasterisation on every core.
//
// On a GPU a window frame should cost a fraction of a millisecond and every
// frame is shown; on a CPU driver (lavapipe) a few frames a second are shown while the
// network is the bottleneck, and every frame when it keeps up with the input.
#include <vector>

namespace resvk::app::viewer {

class DisplayPacer {
public:
    // `budget`: the share of a busy network's time the window may take (0.04 =
    // 4 %); 1 or more shows every frame. `framesPerTick`: classified frames the
    // network delivers together (one per source).
    DisplayPacer(double budget, int framesPerTick = 1);

    // The network delivered a classified frame at `now` (seconds, any origin).
    void classified(double now);
    // May a frame be shown now? `idle`: running total of the seconds the
    // network waited for input.
    bool due(double now, double idle);
    // A frame was shown; `measured`: the GPU and CPU time spent drawing it.
    // The first frame is not charged (it builds pipelines), and a measured time
    // far above the recent ones (a swapchain rebuilt) counts as their median.
    void shown(double measured);

private:
    // The cost charged for a shown frame whose drawing took `measured` seconds.
    double costEstimate(double measured) const;

    double budget_;
    int affectedFrames_;  // classified frames a shown frame may slow: two ticks
    double credit_;
    double lastNow_ = -1.0, lastIdle_ = 0.0;
    // The usual time per classified frame, away from shown frames.
    double lastClassified_ = -1.0, usualSpan_ = -1.0;
    // The frames after the last shown one: how many are still to come, their time.
    int affectedLeft_ = 0;
    double affectedSeconds_ = 0.0;
    std::vector<double> impacts_;        // recent measured impacts of shown frames, oldest first
    std::vector<double> measuredCosts_;  // recent GPU + CPU times of shown frames, oldest first
};

}  // namespace resvk::app::viewer
