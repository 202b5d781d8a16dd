#pragma once
// Instance, physical device choice, one compute queue with a timeline semaphore
// that orders every submission, the device traits, the debug messenger.
#include <vulkan/vulkan.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "vk/device_traits.h"

namespace resvk::vk {

// A Vulkan failure; what() names the call, the VkResult and where it happened.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct DeviceInfo {
    int index = 0;
    std::string name;
    std::string type;    // "discrete GPU", "integrated GPU", "CPU", ...
    std::string driver;  // driver name and info
    uint32_t apiVersion = 0;
    uint64_t deviceLocalBytes = 0;  // the largest device-local memory heap
    bool usable = false;            // Vulkan 1.2 with a compute queue
};

// The device every command uses unless told otherwise: the first usable device of
// the best type (discrete GPU, then integrated, then any), and among those of that
// type the one with the most device-local memory. `reason` says why, for `resvk devices`.
struct DeviceChoice {
    int index = -1;  // -1: no usable device
    std::string reason;
};
DeviceChoice chooseDevice(const std::vector<DeviceInfo>& devices);

struct ContextOptions {
    int deviceIndex = -1;  // -1: chooseDevice()
    // Enables VK_LAYER_KHRONOS_validation with synchronization validation. Also
    // enabled by RESVK_VALIDATION=1, which additionally makes every validation
    // message fatal (tests use it).
    bool validation = false;
    // Device profile and memory path (see device_traits.h).
    TraitOverrides traits;
    // Extra extensions (e.g. a window system's surface and swapchain ones).
    std::vector<const char*> instanceExtensions;
    std::vector<const char*> deviceExtensions;
    // When set, the queue family must also pass this test (e.g. "can present to
    // the window"); devices without such a compute family are not usable.
    std::function<bool(VkInstance, VkPhysicalDevice, uint32_t family)> queueFamilyFilter;
};

class Context {
public:
    explicit Context(const ContextOptions& options = {});
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    static std::vector<DeviceInfo> listDevices();

    VkInstance instance() const { return instance_; }
    VkPhysicalDevice physicalDevice() const { return physical_; }
    VkDevice device() const { return device_; }
    VkQueue queue() const { return queue_; }
    uint32_t queueFamily() const { return queueFamily_; }
    const VkPhysicalDeviceProperties& properties() const { return properties_; }
    const VkPhysicalDeviceMemoryProperties& memoryProperties() const { return memory_; }
    const DeviceInfo& info() const { return info_; }
    const DeviceTraits& traits() const { return traits_; }

    // Submits one command buffer to the queue; it starts after everything
    // submitted before it has finished being submitted (queue order) and
    // signals the returned value of the timeline semaphore when done.
    uint64_t submit(VkCommandBuffer cmd);
    // Blocks until the submission that returned `value` (and all before it) completed.
    void wait(uint64_t value);
    // Blocks until everything submitted so far completed.
    void waitIdle() { wait(lastSubmitted_); }

    // Counters for tests and --verbose: queue submissions, VkBuffers created.
    uint64_t submissions() const { return submissions_; }
    uint64_t buffersCreated() const { return buffersCreated_; }
    void countBufferCreated() { ++buffersCreated_; }

    // Number of validation messages (warnings and errors) seen so far.
    int validationMessages() const { return validationMessages_; }

private:
    void release();  // the Vulkan objects, newest first
    static VKAPI_ATTR VkBool32 VKAPI_CALL onDebugMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                         VkDebugUtilsMessageTypeFlagsEXT types,
                                                         const VkDebugUtilsMessengerCallbackDataEXT* data, void* user);

    VkInstance instance_ = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
    VkPhysicalDevice physical_ = VK_NULL_HANDLE;
    VkDevice device_ = VK_NULL_HANDLE;
    VkQueue queue_ = VK_NULL_HANDLE;
    uint32_t queueFamily_ = 0;
    VkPhysicalDeviceProperties properties_{};
    VkPhysicalDeviceMemoryProperties memory_{};
    DeviceInfo info_;
    DeviceTraits traits_;
    VkSemaphore timeline_ = VK_NULL_HANDLE;
    uint64_t lastSubmitted_ = 0;
    std::atomic<uint64_t> submissions_{0};
    std::atomic<uint64_t> buffersCreated_{0};
    bool fatalValidation_ = false;
    int validationMessages_ = 0;
};

// Throws Error naming the call and its result when it did not succeed.
void check(VkResult result, const char* call, const char* file, int line);
#define RESVK_VK(call) ::resvk::vk::check((call), #call, __FILE__, __LINE__)

}  // namespace resvk::vk
