#pragma once
// A recorded, replayable sequence of compute dispatches and buffer copies. Ops
// describe what they read and write; the stream inserts a barrier only where a
// command touches memory that an earlier one wrote (or overwrites memory still
// being read), and, when profiling, brackets every dispatch with timestamps
// (only then: a timestamp after each dispatch keeps a GPU from overlapping them).
// Each submission starts with one barrier that orders it after the work
// submitted before it, so streams that share buffers need no other handshake.
#include <array>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "vk/buffer.h"
#include "vk/handles.h"
#include "vk/kernel.h"

namespace resvk::vk {

// A dispatch input viewed in a format other than the default RGBA32F.
struct TexelInput {
    BufferSlice slice;
    VkFormat format = VK_FORMAT_R32G32B32A32_SFLOAT;
};

class CommandStream {
public:
    CommandStream(Context& context, KernelCache& kernels, bool timestamps);
    ~CommandStream();
    CommandStream(const CommandStream&) = delete;
    CommandStream& operator=(const CommandStream&) = delete;

    // Records one dispatch of `groups` workgroups. `inputs` are bound as RGBA32F
    // texel buffers at bindings 1.., `output` as a storage buffer at binding 0;
    // a key.tileQueue kernel gets a queue of `groups` tiles after them instead
    // of the grid itself, of which one workgroup takes at most `tileLimit`
    // (0: any number). Returns the dispatch's index (for timings).
    size_t dispatch(const KernelKey& key, const BufferSlice& output, const std::vector<BufferSlice>& inputs,
                    const void* push, std::array<uint32_t, 3> groups, uint32_t tileLimit = 0);
    // The same with a view format per input (e.g. VK_FORMAT_R32_UINT over raw
    // bytes); the format must support the texel-buffer use the kernel's binding has.
    size_t dispatch(const KernelKey& key, const BufferSlice& output, const std::vector<TexelInput>& inputs,
                    const void* push, std::array<uint32_t, 3> groups, uint32_t tileLimit = 0);

    // Records a copy of `src` into `dst` (same size): staging uploads and readbacks.
    void copy(const BufferSlice& src, const BufferSlice& dst);

    // Ends recording; after this the stream can be submitted any number of times.
    void finish();
    // Starts the recorded work; wait() blocks until it is done. A stream runs
    // one submission at a time: submit() first waits for the previous one.
    void submit();
    void wait();
    bool timestamps() const { return queryCapacity_ > 0; }
    void submitAndWait() {
        submit();
        wait();
    }

    size_t dispatchCount() const { return dispatches_; }
    // The shader of every dispatch, in order (tests assert which kernels a plan chose).
    const std::vector<shaders::ShaderId>& recordedShaders() const { return shaders_; }
    size_t copyCount() const { return copies_; }
    // GPU milliseconds of each dispatch in the last submission (timestamps on).
    std::vector<double> dispatchMilliseconds() const;

private:
    void beginIfNeeded();
    VkDescriptorSet allocateSet(VkDescriptorSetLayout layout);
    VkBufferView texelView(const BufferSlice& slice, VkFormat format);
    void barrierIfNeeded(const BufferSlice& output, const std::vector<BufferSlice>& inputs);
    // A queue for one dispatch (KernelKey::tileQueue), reset to `groups` tiles and
    // `tileLimit` by a command recorded here; slices of buffers this stream owns,
    // one per dispatch. Returns the slice and the workgroups to launch.
    std::pair<BufferSlice, uint32_t> recordTileQueue(std::array<uint32_t, 3> groups, uint32_t tileLimit);

    Context& context_;
    KernelCache& kernels_;
    CommandPool pool_;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    uint64_t submitted_ = 0;  // timeline value of the submission in flight, 0 = none
    bool recording_ = false;
    bool finished_ = false;
    size_t dispatches_ = 0;
    size_t copies_ = 0;
    std::vector<shaders::ShaderId> shaders_;
    std::vector<OwnedDescriptorPool> descriptorPools_;
    uint32_t setsLeftInPool_ = 0;
    std::map<std::tuple<VkBuffer, VkDeviceSize, VkDeviceSize, VkFormat>, OwnedBufferView> views_;
    std::vector<BufferSlice> writtenSinceBarrier_;
    std::vector<BufferSlice> readSinceBarrier_;
    std::vector<Buffer> tileQueues_;
    VkDeviceSize tileQueueUsed_ = 0;  // bytes taken in tileQueues_.back()
    OwnedQueryPool queries_;
    uint32_t queryCapacity_ = 0;
};

}  // namespace resvk::vk
