#pragma once
// Ctrl-C / SIGTERM ask long-running commands to stop cleanly: the first signal
// sets a flag the frame loop polls; a second one ends the process at once.
#include <atomic>

namespace resvk::app {

const std::atomic<bool>& installStopSignals();

}  // namespace resvk::app
