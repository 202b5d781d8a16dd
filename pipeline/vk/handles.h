#pragma once
// Small move-only owners of the Vulkan objects the rest of vk/ needs.
#include <cstdint>
#include <utility>

#include "vk/context.h"

namespace resvk::vk {

// Owns one handle of type T destroyed with vkDestroyT(device, handle, nullptr).
template <typename T, void (*Destroy)(VkDevice, T, const VkAllocationCallbacks*)>
class Owned {
public:
    Owned() = default;
    Owned(VkDevice device, T handle) : device_(device), handle_(handle) {}
    ~Owned() { reset(); }
    Owned(Owned&& o) noexcept : device_(o.device_), handle_(std::exchange(o.handle_, VK_NULL_HANDLE)) {}
    Owned& operator=(Owned&& o) noexcept {
        if (this != &o) {
            reset();
            device_ = o.device_;
            handle_ = std::exchange(o.handle_, VK_NULL_HANDLE);
        }
        return *this;
    }
    Owned(const Owned&) = delete;
    Owned& operator=(const Owned&) = delete;
    T get() const { return handle_; }
    void reset() {
        if (handle_ != VK_NULL_HANDLE) Destroy(device_, handle_, nullptr);
        handle_ = VK_NULL_HANDLE;
    }

private:
    VkDevice device_ = VK_NULL_HANDLE;
    T handle_ = VK_NULL_HANDLE;
};

using OwnedPipeline = Owned<VkPipeline, vkDestroyPipeline>;
using OwnedPipelineLayout = Owned<VkPipelineLayout, vkDestroyPipelineLayout>;
using OwnedSetLayout = Owned<VkDescriptorSetLayout, vkDestroyDescriptorSetLayout>;
using OwnedShaderModule = Owned<VkShaderModule, vkDestroyShaderModule>;
using OwnedDescriptorPool = Owned<VkDescriptorPool, vkDestroyDescriptorPool>;
using OwnedBufferView = Owned<VkBufferView, vkDestroyBufferView>;
using OwnedQueryPool = Owned<VkQueryPool, vkDestroyQueryPool>;
using OwnedPipelineCache = Owned<VkPipelineCache, vkDestroyPipelineCache>;

class CommandPool {
public:
    explicit CommandPool(Context& context) : device_(context.device()) {
        VkCommandPoolCreateInfo info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
        info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
        info.queueFamilyIndex = context.queueFamily();
        VkCommandPool pool;
        RESVK_VK(vkCreateCommandPool(device_, &info, nullptr, &pool));
        pool_ = {device_, pool};
    }
    VkCommandBuffer allocate() {
        VkCommandBufferAllocateInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        info.commandPool = pool_.get();
        info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        info.commandBufferCount = 1;
        VkCommandBuffer cmd;
        RESVK_VK(vkAllocateCommandBuffers(device_, &info, &cmd));
        return cmd;  // freed with the pool
    }

private:
    VkDevice device_;
    Owned<VkCommandPool, vkDestroyCommandPool> pool_;
};

}  // namespace resvk::vk
