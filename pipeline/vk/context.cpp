#include "vk/context.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

#include "vk/gpu_facts.h"

namespace resvk::vk {

namespace {

const char* resultName(VkResult r) {
    switch (r) {
        case VK_ERROR_OUT_OF_HOST_MEMORY:
            return "VK_ERROR_OUT_OF_HOST_MEMORY";
        case VK_ERROR_OUT_OF_DEVICE_MEMORY:
            return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
        case VK_ERROR_INITIALIZATION_FAILED:
            return "VK_ERROR_INITIALIZATION_FAILED";
        case VK_ERROR_DEVICE_LOST:
            return "VK_ERROR_DEVICE_LOST";
        case VK_ERROR_LAYER_NOT_PRESENT:
            return "VK_ERROR_LAYER_NOT_PRESENT";
        case VK_ERROR_EXTENSION_NOT_PRESENT:
            return "VK_ERROR_EXTENSION_NOT_PRESENT";
        case VK_ERROR_INCOMPATIBLE_DRIVER:
            return "VK_ERROR_INCOMPATIBLE_DRIVER";
        case VK_ERROR_FEATURE_NOT_PRESENT:
            return "VK_ERROR_FEATURE_NOT_PRESENT";
        case VK_TIMEOUT:
            return "VK_TIMEOUT";
        default:
            return "VkResult error";
    }
}

bool envFlag(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0;
}

std::string deviceTypeName(VkPhysicalDeviceType type) {
    switch (type) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
            return "discrete GPU";
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
            return "integrated GPU";
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
            return "virtual GPU";
        case VK_PHYSICAL_DEVICE_TYPE_CPU:
            return "CPU";
        default:
            return "other";
    }
}

using QueueFilter = std::function<bool(VkInstance, VkPhysicalDevice, uint32_t)>;

int computeQueueFamily(VkPhysicalDevice device, VkInstance instance = VK_NULL_HANDLE, const QueueFilter& filter = {}) {
    uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(device, &count, families.data());
    for (uint32_t i = 0; i < count; ++i)
        if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) && (!filter || filter(instance, device, i)))
            return static_cast<int>(i);
    return -1;
}

DeviceInfo describe(VkPhysicalDevice device, int index, VkInstance instance = VK_NULL_HANDLE,
                    const QueueFilter& filter = {}) {
    VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &driver};
    vkGetPhysicalDeviceProperties2(device, &props);
    DeviceInfo info;
    info.index = index;
    info.name = props.properties.deviceName;
    info.type = deviceTypeName(props.properties.deviceType);
    info.driver = std::string(driver.driverName) + " " + driver.driverInfo;
    info.apiVersion = props.properties.apiVersion;
    VkPhysicalDeviceMemoryProperties memory;
    vkGetPhysicalDeviceMemoryProperties(device, &memory);
    for (uint32_t h = 0; h < memory.memoryHeapCount; ++h)
        if (memory.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
            info.deviceLocalBytes = std::max<uint64_t>(info.deviceLocalBytes, memory.memoryHeaps[h].size);
    info.usable =
        props.properties.apiVersion >= VK_API_VERSION_1_2 && computeQueueFamily(device, instance, filter) >= 0;
    return info;
}

VkInstance createInstance(bool validation, bool debugUtils, const std::vector<const char*>& extra = {}) {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "resvk";
    app.apiVersion = VK_API_VERSION_1_2;
    const char* layer = "VK_LAYER_KHRONOS_validation";
    std::vector<const char*> extensions = extra;
    if (debugUtils) extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    // With validation, synchronization validation too: lavapipe runs every command
    // in order, so a missing barrier shows up only here, never as a wrong result.
    const VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
    VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = enables;
    if (validation) extensions.push_back(VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    if (validation) info.pNext = &features;
    info.pApplicationInfo = &app;
    info.enabledLayerCount = validation ? 1 : 0;
    info.ppEnabledLayerNames = &layer;
    info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    VkInstance instance = VK_NULL_HANDLE;
    VkResult r = vkCreateInstance(&info, nullptr, &instance);
    if (r == VK_ERROR_LAYER_NOT_PRESENT)
        throw Error("Vulkan validation layer not installed (apt install vulkan-validationlayers)");
    if (r == VK_ERROR_EXTENSION_NOT_PRESENT)
        throw Error("the Vulkan driver lacks an instance extension this command needs (window surface?)");
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
        throw Error("no Vulkan driver found (install your GPU's Vulkan driver, or mesa-vulkan-drivers)");
    check(r, "vkCreateInstance", __FILE__, __LINE__);
    return instance;
}

std::vector<VkPhysicalDevice> physicalDevices(VkInstance instance) {
    uint32_t count = 0;
    RESVK_VK(vkEnumeratePhysicalDevices(instance, &count, nullptr));
    std::vector<VkPhysicalDevice> devices(count);
    RESVK_VK(vkEnumeratePhysicalDevices(instance, &count, devices.data()));
    return devices;
}

bool hasExtension(VkPhysicalDevice device, const char* name) {
    uint32_t count = 0;
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> all(count);
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, all.data());
    return std::any_of(all.begin(), all.end(), [&](const auto& e) { return std::strcmp(e.extensionName, name) == 0; });
}

std::string gib(uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
    return text;
}

}  // namespace

DeviceChoice chooseDevice(const std::vector<DeviceInfo>& devices) {
    for (const char* wanted : {"discrete GPU", "integrated GPU", ""}) {
        const DeviceInfo* best = nullptr;
        int candidates = 0;
        for (const auto& d : devices) {
            if (!d.usable || (*wanted && d.type != wanted)) continue;
            ++candidates;
            if (!best || d.deviceLocalBytes > best->deviceLocalBytes) best = &d;
        }
        if (!best) continue;
        std::string reason = *wanted ? std::string("the ") + (candidates > 1 ? "" : "only ") + wanted
                                     : std::string("no GPU: the ") + (candidates > 1 ? "" : "only ") + "usable device";
        if (candidates > 1) reason += " with the most device-local memory (" + gib(best->deviceLocalBytes) + ")";
        if (*wanted && std::string(wanted) == "integrated GPU") reason += " (no usable discrete GPU)";
        return {best->index, reason};
    }
    return {-1, "no device has Vulkan 1.2 with a compute queue"};
}

void check(VkResult result, const char* call, const char* file, int line) {
    if (result == VK_SUCCESS) return;
    char msg[512];
    std::snprintf(msg, sizeof msg, "Vulkan call failed: %s returned %s (%d) at %s:%d", call, resultName(result),
                  static_cast<int>(result), file, line);
    throw Error(msg);
}

std::vector<DeviceInfo> Context::listDevices() {
    VkInstance instance = createInstance(false, false);
    std::vector<DeviceInfo> infos;
    try {
        auto devices = physicalDevices(instance);
        for (size_t i = 0; i < devices.size(); ++i) infos.push_back(describe(devices[i], static_cast<int>(i)));
    } catch (...) {
        vkDestroyInstance(instance, nullptr);
        throw;
    }
    vkDestroyInstance(instance, nullptr);
    return infos;
}

Context::Context(const ContextOptions& options) {
    fatalValidation_ = envFlag("RESVK_VALIDATION");
    const bool validation = options.validation || fatalValidation_;
    instance_ = createInstance(validation, validation, options.instanceExtensions);
    try {
        if (validation) {
            VkDebugUtilsMessengerCreateInfoEXT info{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
            info.messageSeverity =
                VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
            info.messageType =
                VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT;
            info.pfnUserCallback = &Context::onDebugMessage;
            info.pUserData = this;
            auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
                vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
            if (create) RESVK_VK(create(instance_, &info, nullptr, &messenger_));
        }
        auto devices = physicalDevices(instance_);
        std::vector<DeviceInfo> infos;
        for (size_t i = 0; i < devices.size(); ++i)
            infos.push_back(describe(devices[i], static_cast<int>(i), instance_, options.queueFamilyFilter));
        int index = options.deviceIndex;
        if (devices.empty()) throw Error("no Vulkan device found (see `resvk devices`)");
        if (index >= static_cast<int>(devices.size()))
            throw Error("no Vulkan device " + std::to_string(index) + " (there are " + std::to_string(devices.size()) +
                        "; see `resvk devices`)");
        if (index < 0) index = chooseDevice(infos).index;
        if (index < 0 || !infos[index].usable)
            throw Error(std::string("no usable Vulkan device: need Vulkan 1.2 with a compute queue") +
                        (options.queueFamilyFilter ? " that can present to the window" : "") +
                        " (see `resvk devices`)");
        physical_ = devices[index];
        info_ = infos[index];
        vkGetPhysicalDeviceProperties(physical_, &properties_);
        vkGetPhysicalDeviceMemoryProperties(physical_, &memory_);
        queueFamily_ = static_cast<uint32_t>(computeQueueFamily(physical_, instance_, options.queueFamilyFilter));

        DeviceFacts facts;
        facts.type = properties_.deviceType;
        facts.limits = properties_.limits;
        VkPhysicalDeviceSubgroupSizeControlPropertiesEXT sizeControl{
            VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES_EXT};
        VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES,
                                                    &sizeControl};
        VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &subgroup};
        vkGetPhysicalDeviceProperties2(physical_, &props2);
        if ((subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
            (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_SHUFFLE_BIT))
            facts.subgroupSize = subgroup.subgroupSize;
        // Pinning the subgroup size: VK_EXT_subgroup_size_control (core in 1.3).
        const bool sizeControlExt = hasExtension(physical_, VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME);
        VkPhysicalDeviceSubgroupSizeControlFeaturesEXT sizeFeatures{
            VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_FEATURES_EXT};
        if (sizeControlExt) {
            VkPhysicalDeviceFeatures2 features2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &sizeFeatures};
            vkGetPhysicalDeviceFeatures2(physical_, &features2);
        }
        facts.subgroupSizeControl = sizeControlExt && sizeFeatures.subgroupSizeControl &&
                                    sizeFeatures.computeFullSubgroups &&
                                    (sizeControl.requiredSubgroupSizeStages & VK_SHADER_STAGE_COMPUTE_BIT);
        facts.minSubgroupSize = sizeControl.minSubgroupSize;
        facts.maxSubgroupSize = sizeControl.maxSubgroupSize;
        const VkMemoryPropertyFlags shared = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                             VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        for (uint32_t i = 0; i < memory_.memoryTypeCount; ++i)
            if ((memory_.memoryTypes[i].propertyFlags & shared) == shared) facts.hostVisibleDeviceMemory = true;
        // fp16 tensors: 16-bit stores from shaders, RGBA16F texel-buffer reads.
        VkPhysicalDeviceVulkan12Features supported12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
        VkPhysicalDeviceVulkan11Features supported11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES,
                                                     &supported12};
        VkPhysicalDeviceFeatures2 supported{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &supported11};
        vkGetPhysicalDeviceFeatures2(physical_, &supported);
        // Tensors are read through uniform and storage texel buffers (vk/kernel.h);
        // Vulkan requires both of RGBA32F, so a device without them is broken.
        constexpr VkFormatFeatureFlags texelReads =
            VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT | VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_BIT;
        VkFormatProperties float4{}, half4{};
        vkGetPhysicalDeviceFormatProperties(physical_, VK_FORMAT_R32G32B32A32_SFLOAT, &float4);
        if ((float4.bufferFeatures & texelReads) != texelReads)
            throw Error(std::string("device '") + properties_.deviceName +
                        "' cannot read RGBA32F texel buffers (uniform and storage), which Vulkan requires");
        vkGetPhysicalDeviceFormatProperties(physical_, VK_FORMAT_R16G16B16A16_SFLOAT, &half4);
        facts.storage16 = supported11.storageBuffer16BitAccess && (half4.bufferFeatures & texelReads) == texelReads;
        queryGpuFacts(instance_, physical_, facts);
        if (facts.type == VK_PHYSICAL_DEVICE_TYPE_CPU) {
            const long l2 = sysconf(_SC_LEVEL2_CACHE_SIZE);  // glibc reads it from cpuid; 0 or -1 if unknown
            facts.hostL2Bytes = l2 > 0 ? static_cast<uint64_t>(l2) : 0;
        }
        try {
            traits_ = makeDeviceTraits(facts, options.traits);
        } catch (const std::invalid_argument& e) {
            throw Error(e.what());
        }

        float priority = 1.0f;
        VkDeviceQueueCreateInfo queueInfo{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
        queueInfo.queueFamilyIndex = queueFamily_;
        queueInfo.queueCount = 1;
        queueInfo.pQueuePriorities = &priority;
        VkPhysicalDeviceVulkan11Features features11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
        features11.storageBuffer16BitAccess = facts.storage16 ? VK_TRUE : VK_FALSE;
        VkPhysicalDeviceVulkan12Features features12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES, &features11};
        features12.timelineSemaphore = VK_TRUE;
        std::vector<const char*> extensions = options.deviceExtensions;
        if (facts.subgroupSizeControl) {
            extensions.push_back(VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME);
            sizeFeatures.pNext = nullptr;
            sizeFeatures.subgroupSizeControl = VK_TRUE;
            sizeFeatures.computeFullSubgroups = VK_TRUE;
            features11.pNext = &sizeFeatures;
        }
        // The cooperative-matrix convolution kernel: the extension, and fp16 arithmetic.
        VkPhysicalDeviceCooperativeMatrixFeaturesNV coopFeatures{
            VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
        if (traits_.coopMat) {
            extensions.push_back(VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
            coopFeatures.cooperativeMatrix = VK_TRUE;
            coopFeatures.pNext = features12.pNext;
            features12.pNext = &coopFeatures;
            features12.shaderFloat16 = VK_TRUE;
        }
        VkDeviceCreateInfo deviceInfo{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
        deviceInfo.pNext = &features12;
        deviceInfo.queueCreateInfoCount = 1;
        deviceInfo.pQueueCreateInfos = &queueInfo;
        deviceInfo.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
        deviceInfo.ppEnabledExtensionNames = extensions.data();
        RESVK_VK(vkCreateDevice(physical_, &deviceInfo, nullptr, &device_));
        vkGetDeviceQueue(device_, queueFamily_, 0, &queue_);
        VkSemaphoreTypeCreateInfo timelineType{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
        timelineType.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
        VkSemaphoreCreateInfo semaphoreInfo{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, &timelineType};
        RESVK_VK(vkCreateSemaphore(device_, &semaphoreInfo, nullptr, &timeline_));
    } catch (...) {
        release();  // members are destroyed by the unwinding itself
        throw;
    }
}

Context::~Context() {
    release();
}

void Context::release() {
    if (timeline_) vkDestroySemaphore(device_, timeline_, nullptr);
    timeline_ = VK_NULL_HANDLE;
    if (device_) vkDestroyDevice(device_, nullptr);
    device_ = VK_NULL_HANDLE;
    if (messenger_) {
        auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy) destroy(instance_, messenger_, nullptr);
        messenger_ = VK_NULL_HANDLE;
    }
    if (instance_) vkDestroyInstance(instance_, nullptr);
    instance_ = VK_NULL_HANDLE;
}

uint64_t Context::submit(VkCommandBuffer cmd) {
    const uint64_t value = lastSubmitted_ + 1;
    VkTimelineSemaphoreSubmitInfo timeline{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
    timeline.signalSemaphoreValueCount = 1;
    timeline.pSignalSemaphoreValues = &value;
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO, &timeline};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd;
    submit.signalSemaphoreCount = 1;
    submit.pSignalSemaphores = &timeline_;
    RESVK_VK(vkQueueSubmit(queue_, 1, &submit, VK_NULL_HANDLE));
    lastSubmitted_ = value;
    ++submissions_;
    return value;
}

void Context::wait(uint64_t value) {
    if (value == 0) return;
    VkSemaphoreWaitInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
    info.semaphoreCount = 1;
    info.pSemaphores = &timeline_;
    info.pValues = &value;
    RESVK_VK(vkWaitSemaphores(device_, &info, UINT64_MAX));
}

VKAPI_ATTR VkBool32 VKAPI_CALL Context::onDebugMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                       VkDebugUtilsMessageTypeFlagsEXT,
                                                       const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    auto* self = static_cast<Context*>(user);
    ++self->validationMessages_;
    const char* level = severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning";
    std::fprintf(stderr, "vulkan validation %s: %s\n", level, data->pMessage);
    // Tests set RESVK_VALIDATION=1: any message is a defect, so stop right here.
    if (self->fatalValidation_) std::abort();
    return VK_FALSE;
}

}  // namespace resvk::vk
