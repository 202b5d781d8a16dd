#pragma once
// One VkBuffer with its own memory. Plans make a few large ones and hand out
// slices, so allocations stay few however deep the network is.
#include <vulkan/vulkan.h>

#include <cstddef>

#include "vk/context.h"

namespace resvk::vk {

// A byte range of a buffer: what a dispatch reads or writes.
struct BufferSlice {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceSize offset = 0;
    VkDeviceSize size = 0;

    bool overlaps(const BufferSlice& o) const {
        return buffer == o.buffer && offset < o.offset + o.size && o.offset < offset + size;
    }
};

class Buffer {
public:
    enum class Kind {
        Compute,  // storage + uniform texel buffer use; host-mapped on the mapped memory path (device_traits.h)
        // Compute, and storage texel buffer use too (the kernels that imageLoad
        // their inputs). A buffer with that use may only have views whose format
        // supports it: RGBA32F / RGBA16F tensors, R32UI video planes.
        StorageTexels,
        Staging,  // host-visible transfer source/destination
    };

    Buffer() = default;
    Buffer(Context& context, VkDeviceSize size, Kind kind);
    ~Buffer();
    Buffer(Buffer&& other) noexcept;
    Buffer& operator=(Buffer&& other) noexcept;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    VkBuffer handle() const { return buffer_; }
    VkDeviceSize size() const { return size_; }
    void* mapped() const { return mapped_; }  // null when the memory is device-only
    BufferSlice slice(VkDeviceSize offset, VkDeviceSize size) const { return {buffer_, offset, size}; }

    // Copies host data in or out; when not mapped, through a temporary staging
    // buffer and a blocking submission: for setup and tests, never per run.
    void write(VkDeviceSize offset, const void* data, size_t bytes);
    void read(VkDeviceSize offset, void* data, size_t bytes) const;

private:
    void release();

    Context* context_ = nullptr;
    VkBuffer buffer_ = VK_NULL_HANDLE;
    VkDeviceMemory memory_ = VK_NULL_HANDLE;
    VkDeviceSize size_ = 0;
    void* mapped_ = nullptr;
};

// One global memory barrier (buffers here are never in image layouts, so a
// memory barrier is all that ordering them needs).
void memoryBarrier(VkCommandBuffer cmd, VkPipelineStageFlags srcStages, VkAccessFlags srcAccess,
                   VkPipelineStageFlags dstStages, VkAccessFlags dstAccess);

}  // namespace resvk::vk
