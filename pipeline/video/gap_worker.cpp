#include "video/gap_worker.h"

#include <sys/resource.h>

namespace resvk::video {

GapWorker::GapWorker() : thread_([this] { loop(); }) {}

GapWorker::~GapWorker() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void GapWorker::run(const std::function<void()>& job) {
    std::unique_lock lock(mutex_);
    job_ = &job;
    finished_ = false;
    error_ = nullptr;
    wake_.notify_one();
    done_.wait(lock, [this] { return finished_; });
    job_ = nullptr;
    if (error_) std::rethrow_exception(error_);
}

void GapWorker::loop() {
    setpriority(PRIO_PROCESS, 0, 19);  // Linux: this thread only; raising nice needs no privilege
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stop_ || (job_ && !finished_); });
        if (stop_) return;
        lock.unlock();
        std::exception_ptr error;
        try {
            (*job_)();
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        error_ = error;
        finished_ = true;
        done_.notify_one();
    }
}

}  // namespace resvk::video
