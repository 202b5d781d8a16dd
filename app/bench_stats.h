#pragma once
// What `resvk bench` makes of repeated measurements: medians and minima of run
// times, and each layer's median over several profiled runs.
#include <vector>

#include "runtime/engine.h"

namespace resvk::app {

// 0 for no values; an even count takes the mean of the middle two.
double median(std::vector<double> values);
double minimum(const std::vector<double>& values);

// Layer by layer, the median of several profiled runs of one plan (the same
// layers and kernels in each): one run's timestamps carry whatever else the
// machine did meanwhile. Throws std::invalid_argument for runs that differ.
std::vector<runtime::LayerTiming> medianProfile(const std::vector<std::vector<runtime::LayerTiming>>& runs);

}  // namespace resvk::app
