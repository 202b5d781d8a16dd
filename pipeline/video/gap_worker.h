#pragma once
// A thread at nice 19 that runs one job at a time for a caller who waits for
// it. Where the network runs on the host's cores (a CPU Vulkan driver), host
// work beside it at normal priority preempts the driver's workers, and every
// dispatch split over them then waits for the preempted one: video
// preprocessing's host pass (~1.5 ms of a core per 720p frame) cost ResNet-18's
// pipeline 3-4 ms per frame so (bench/README.md, 2026-12-08). At nice 19 it
// runs in the network's gaps instead, as the decoders do (frame_source.h), and
// cannot starve: once the network has nothing left to run, it has the cores.
// Without a network on the same cores it simply runs (a GPU device where the
// host pass is forced).
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace resvk::video {

class GapWorker {
public:
    GapWorker();
    ~GapWorker();
    GapWorker(const GapWorker&) = delete;
    GapWorker& operator=(const GapWorker&) = delete;

    // Runs `job` on the worker thread and returns when it has; an exception it
    // throws is rethrown here.
    void run(const std::function<void()>& job);

private:
    void loop();

    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void()>* job_ = nullptr;
    bool finished_ = false, stop_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

}  // namespace resvk::video
