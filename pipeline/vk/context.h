#pragma once
// Instance, physical device choice, one compute queue, the debug messenger.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

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
    bool usable = false;  // Vulkan 1.2 with a compute queue
};

struct ContextOptions {
    int deviceIndex = -1;  // -1: the first discrete GPU, else integrated, else any usable
    // Enables VK_LAYER_KHRONOS_validation. Also enabled by RESVK_VALIDATION=1,
    // which additionally makes every validation message fatal (tests use it).
    bool validation = false;
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
    bool isCpuDevice() const { return properties_.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU; }
    // Subgroup size when compute shaders may shuffle within a subgroup, else 0.
    uint32_t shuffleSubgroupSize() const { return shuffleSubgroupSize_; }

    // Number of validation messages (warnings and errors) seen so far.
    int validationMessages() const { return validationMessages_; }

private:
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
    uint32_t shuffleSubgroupSize_ = 0;
    bool fatalValidation_ = false;
    int validationMessages_ = 0;
};

// Throws Error naming the call and its result when it did not succeed.
void check(VkResult result, const char* call, const char* file, int line);
#define RESVK_VK(call) ::resvk::vk::check((call), #call, __FILE__, __LINE__)

}  // namespace resvk::vk
