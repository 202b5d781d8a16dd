#pragma once
// What `resvk bench` makes of repeated measurements: medians and minima of run
// times, and each layer's median over several profiled runs.
#include <vector>

#include "runtime/engine.h"

namespace resvk::app {

// 0 for no values; an even count takes the mean of the middle two.
double median(std::vector<double> values);
double minimum(const std::vector<double>& values);

// Interleaved timing (bench --source): pipeline segment k's steps are
// steps[segmentEnds[k-1] .. segmentEnds[k]), and the inference-alone runs
// before it and after it are groups k and k+1 of `runs`, split at groupEnds
// the same way. Per segment, its median step against the median of the runs
// on either side, in per cent: what the pipeline adds, measured within the
// second or so in which a drifting machine keeps one speed. Segments without
// steps or without runs beside them are left out.
std::vector<double> pairedOverheads(const std::vector<double>& steps, const std::vector<size_t>& segmentEnds,
                                    const std::vector<double>& runs, const std::vector<size_t>& groupEnds);

// Layer by layer, the median of several profiled runs of one plan (the same
// layers and kernels in each): one run's timestamps carry whatever else the
// machine did meanwhile. Throws std::invalid_argument for runs that differ.
std::vector<runtime::LayerTiming> medianProfile(const std::vector<std::vector<runtime::LayerTiming>>& runs);

}  // namespace resvk::app
