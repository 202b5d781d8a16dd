// The nice-19 worker that runs host preprocessing beside a CPU device's network.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <stdexcept>
#include <thread>

#include "video/gap_worker.h"

using namespace resvk;

TEST_CASE("gap worker: runs each job on its own nice-19 thread, returns when done, rethrows", "[video][gap_worker]") {
    video::GapWorker worker;
    int ran = 0, nice = -100;
    std::thread::id where;
    for (int i = 0; i < 3; ++i)
        worker.run([&] {
            ++ran;
            nice = getpriority(PRIO_PROCESS, 0);
            where = std::this_thread::get_id();
        });
    CHECK(ran == 3);  // each run returned after its job, not before
    CHECK(nice == 19);
    CHECK(where != std::this_thread::get_id());
    CHECK(getpriority(PRIO_PROCESS, 0) != 19);  // the caller keeps its priority
    CHECK_THROWS_WITH(worker.run([] { throw std::runtime_error("pass 1 failed"); }), "pass 1 failed");
    worker.run([&] { ++ran; });  // and it still works after a failed job
    CHECK(ran == 4);
}
