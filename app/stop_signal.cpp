#include "stop_signal.h"

#include <csignal>

namespace resvk::app {

namespace {
std::atomic<bool> stopRequested{false};
std::atomic<int> stopSignal{0};

extern "C" void onStopSignal(int signal) {
    if (stopRequested.exchange(true)) {
        std::signal(signal, SIG_DFL);
        std::raise(signal);
    }
    stopSignal = signal;
}
}  // namespace

const std::atomic<bool>& installStopSignals() {
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    return stopRequested;
}

int stoppedExitCode() {
    return 128 + stopSignal.load();
}

}  // namespace resvk::app
