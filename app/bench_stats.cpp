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

std::vector<double> pairedOverheads(const std::vector<double>& steps, const std::vector<size_t>& segmentEnds,
                                    const std::vector<double>& runs, const std::vector<size_t>& groupEnds) {
    // Parts first .. first + count - 1 of `values` (fewer where `ends` stops).
    auto parts = [](const std::vector<double>& values, const std::vector<size_t>& ends, size_t first, size_t count) {
        if (first >= ends.size()) return std::vector<double>{};
        const size_t begin = first == 0 ? 0 : ends[first - 1];
        const size_t end = ends[std::min(first + count, ends.size()) - 1];
        return std::vector<double>(values.begin() + std::ptrdiff_t(std::min(begin, values.size())),
                                   values.begin() + std::ptrdiff_t(std::min(std::max(begin, end), values.size())));
    };
    std::vector<double> out;
    for (size_t k = 0; k < segmentEnds.size(); ++k) {
        const auto segment = parts(steps, segmentEnds, k, 1);
        const auto beside = parts(runs, groupEnds, k, 2);
        if (segment.empty() || beside.empty()) continue;
        out.push_back(100.0 * (median(segment) / median(beside) - 1.0));
    }
    return out;
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
