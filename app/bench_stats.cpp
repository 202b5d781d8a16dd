#include "bench_stats.h"

#include <algorithm>
#include <stdexcept>

namespace resvk::app {

double median(std::vector<double> values) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double minimum(const std::vector<double>& values) {
    return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

std::vector<runtime::LayerTiming> medianProfile(const std::vector<std::vector<runtime::LayerTiming>>& runs) {
    if (runs.empty()) return {};
    std::vector<runtime::LayerTiming> out = runs.front();
    for (size_t i = 0; i < out.size(); ++i) {
        std::vector<double> ms;
        std::vector<std::vector<double>> kernelMs(out[i].kernelMs.size());
        for (const auto& run : runs) {
            if (run.size() != out.size() || run[i].name != out[i].name || run[i].kernelMs.size() != kernelMs.size())
                throw std::invalid_argument("medianProfile: runs of different plans");
            ms.push_back(run[i].ms);
            for (size_t k = 0; k < kernelMs.size(); ++k) kernelMs[k].push_back(run[i].kernelMs[k]);
        }
        out[i].ms = median(ms);
        for (size_t k = 0; k < kernelMs.size(); ++k) out[i].kernelMs[k] = median(kernelMs[k]);
    }
    return out;
}

}  // namespace resvk::app
