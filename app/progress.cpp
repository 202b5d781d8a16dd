#include "progress.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace resvk::app {

Progress::Progress(int64_t total)
    : enabled_(isatty(STDERR_FILENO) != 0), total_(total), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
    finish();
}

void Progress::update(int64_t done) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - lastDraw_ < std::chrono::milliseconds(200)) return;
    lastDraw_ = now;
    drawn_ = true;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double fps = seconds > 0 ? done / seconds : 0.0;
    std::string line;
    char buf[128];
    if (total_ > 0) {
        const double fraction = std::min(1.0, double(done) / double(total_));
        const int width = 30, filled = int(fraction * width);
        line.reserve(width + 3);
        line.push_back('[');
        line.append(size_t(filled), '#');
        line.append(size_t(width - filled), '-');
        line.append("] ");
        const double eta = fps > 0 ? (total_ - done) / fps : 0.0;
        std::snprintf(buf, sizeof buf, "%lld/%lld frames  %.1f fps  ETA %.0fs", (long long)done, (long long)total_, fps,
                      eta > 0 ? eta : 0.0);
    } else {
        std::snprintf(buf, sizeof buf, "%lld frames  %.1f fps", (long long)done, fps);
    }
    std::fprintf(stderr, "\r%s%s\033[K", line.c_str(), buf);
    std::fflush(stderr);
}

void Progress::finish() {
    if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
}

}  // namespace resvk::app
