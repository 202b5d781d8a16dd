#include "vk/buffer.h"

#include <cstring>
#include <utility>

#include "vk/one_shot.h"

namespace resvk::vk {

namespace {

int findMemoryType(const Context& context, uint32_t typeBits, VkMemoryPropertyFlags wanted) {
    const auto& mem = context.memoryProperties();
    for (uint32_t i = 0; i < mem.memoryTypeCount; ++i)
        if ((typeBits & (1u << i)) && (mem.memoryTypes[i].propertyFlags & wanted) == wanted) return static_cast<int>(i);
    return -1;
}

}  // namespace

Buffer::Buffer(Context& context, VkDeviceSize size, Kind kind) : context_(&context), size_(size) {
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = size > 0 ? size : 16;
    info.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    if (kind == Kind::Compute || kind == Kind::StorageTexels)
        info.usage |= VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT;
    if (kind == Kind::StorageTexels) info.usage |= VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    RESVK_VK(vkCreateBuffer(context.device(), &info, nullptr, &buffer_));
    context.countBufferCreated();
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(context.device(), buffer_, &req);

    const VkMemoryPropertyFlags hostFlags = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    // The memory path (device_traits.h) decides where compute data lives: mapped
    // host-visible device memory, or device-only memory filled through staging.
    const bool staging = context.traits().memory == MemoryPath::Staging;
    int type = -1;
    if (kind == Kind::Staging)
        type = findMemoryType(context, req.memoryTypeBits, hostFlags);
    else if (staging)
        type = findMemoryType(context, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    else
        type = findMemoryType(context, req.memoryTypeBits, hostFlags | VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (type < 0) type = findMemoryType(context, req.memoryTypeBits, kind == Kind::Staging ? hostFlags : 0);
    if (type < 0) {
        release();
        throw Error("no suitable Vulkan memory type for a buffer");
    }
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = static_cast<uint32_t>(type);
    VkResult r = vkAllocateMemory(context.device(), &alloc, nullptr, &memory_);
    if (r != VK_SUCCESS) {
        release();
        check(r, "vkAllocateMemory", __FILE__, __LINE__);
    }
    RESVK_VK(vkBindBufferMemory(context.device(), buffer_, memory_, 0));
    const auto flags = context.memoryProperties().memoryTypes[type].propertyFlags;
    // On the staging path compute buffers are never mapped, even where the memory
    // could be (lavapipe's only type): that is what makes the path testable.
    if ((flags & hostFlags) == hostFlags && (kind == Kind::Staging || !staging))
        RESVK_VK(vkMapMemory(context.device(), memory_, 0, VK_WHOLE_SIZE, 0, &mapped_));
}

Buffer::~Buffer() {
    release();
}

Buffer::Buffer(Buffer&& other) noexcept {
    *this = std::move(other);
}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
    if (this != &other) {
        release();
        context_ = std::exchange(other.context_, nullptr);
        buffer_ = std::exchange(other.buffer_, VK_NULL_HANDLE);
        memory_ = std::exchange(other.memory_, VK_NULL_HANDLE);
        size_ = std::exchange(other.size_, 0);
        mapped_ = std::exchange(other.mapped_, nullptr);
    }
    return *this;
}

void Buffer::release() {
    if (!context_) return;
    if (buffer_) vkDestroyBuffer(context_->device(), buffer_, nullptr);
    if (memory_) vkFreeMemory(context_->device(), memory_, nullptr);
    buffer_ = VK_NULL_HANDLE;
    memory_ = VK_NULL_HANDLE;
    mapped_ = nullptr;
}

void Buffer::write(VkDeviceSize offset, const void* data, size_t bytes) {
    if (bytes == 0) return;
    if (mapped_) {
        std::memcpy(static_cast<char*>(mapped_) + offset, data, bytes);
        return;
    }
    // Setup-time uploads only (weights, tests): per-run data is copied inside the
    // recorded command buffers (runtime/plan.cpp, video/preprocess_gpu.cpp).
    Buffer staging(*context_, bytes, Kind::Staging);
    std::memcpy(staging.mapped(), data, bytes);
    runOneShot(*context_, [&](VkCommandBuffer cmd) {
        VkBufferCopy region{0, offset, bytes};
        vkCmdCopyBuffer(cmd, staging.handle(), buffer_, 1, &region);
        // Orders the copy before any later command of the queue that reads or
        // overwrites the buffer, in this or a later submission.
        memoryBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                      VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                          VK_ACCESS_TRANSFER_WRITE_BIT);
    });
}

void Buffer::read(VkDeviceSize offset, void* data, size_t bytes) const {
    if (bytes == 0) return;
    if (mapped_) {
        std::memcpy(data, static_cast<const char*>(mapped_) + offset, bytes);
        return;
    }
    Buffer staging(*context_, bytes, Kind::Staging);
    runOneShot(*context_, [&](VkCommandBuffer cmd) {
        // Earlier shader and transfer writes to this buffer, in any submission.
        memoryBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                      VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                      VK_ACCESS_TRANSFER_READ_BIT);
        VkBufferCopy region{offset, 0, bytes};
        vkCmdCopyBuffer(cmd, buffer_, staging.handle(), 1, &region);
        memoryBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                      VK_ACCESS_HOST_READ_BIT);
    });
    std::memcpy(data, staging.mapped(), bytes);
}

void memoryBarrier(VkCommandBuffer cmd, VkPipelineStageFlags srcStages, VkAccessFlags srcAccess,
                   VkPipelineStageFlags dstStages, VkAccessFlags dstAccess) {
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = srcAccess;
    barrier.dstAccessMask = dstAccess;
    vkCmdPipelineBarrier(cmd, srcStages, dstStages, 0, 1, &barrier, 0, nullptr, 0, nullptr);
}

}  // namespace resvk::vk
