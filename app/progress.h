#pragma once
// A one-line progress bar on stderr (frames, fps, ETA), drawn only when stderr
// is a terminal so logs and pipes stay clean.
#include <chrono>
#include <cstdint>

namespace resvk::app {

class Progress {
public:
    explicit Progress(int64_t total);  // total <= 0: unknown (no bar, no ETA)
    ~Progress();
    void update(int64_t done);
    void finish();

private:
    bool enabled_;
    int64_t total_;
    std::chrono::steady_clock::time_point start_, lastDraw_;
    bool drawn_ = false;
};

}  // namespace resvk::app
