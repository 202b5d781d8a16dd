#include "vk/gpu_facts.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace resvk::vk {

namespace {

bool offers(VkPhysicalDevice device, const char* name) {
    uint32_t count = 0;
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> all(count);
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, all.data());
    return std::any_of(all.begin(), all.end(), [&](const auto& e) { return std::strcmp(e.extensionName, name) == 0; });
}

}  // namespace

void queryGpuFacts(VkInstance instance, VkPhysicalDevice physical, DeviceFacts& facts) {
    VkPhysicalDeviceShaderSMBuiltinsPropertiesNV sm{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_SM_BUILTINS_PROPERTIES_NV};
    VkPhysicalDeviceShaderCorePropertiesAMD amd{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_CORE_PROPERTIES_AMD};
    VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    const bool nvSm = offers(physical, VK_NV_SHADER_SM_BUILTINS_EXTENSION_NAME);
    const bool amdCores = offers(physical, VK_AMD_SHADER_CORE_PROPERTIES_EXTENSION_NAME);
    if (nvSm) {
        sm.pNext = props.pNext;
        props.pNext = &sm;
    }
    if (amdCores) {
        amd.pNext = props.pNext;
        props.pNext = &amd;
    }
    if (nvSm || amdCores) {
        vkGetPhysicalDeviceProperties2(physical, &props);
        if (nvSm) facts.computeUnits = static_cast<int>(sm.shaderSMCount);
        if (amdCores)
            facts.computeUnits = static_cast<int>(amd.shaderEngineCount * amd.shaderArraysPerEngineCount *
                                                  amd.computeUnitsPerShaderArray);
    }

    VkPhysicalDeviceVulkan12Features features12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &features12};
    VkPhysicalDeviceCooperativeMatrixFeaturesNV coop{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
    const bool coopExt = offers(physical, VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
    if (coopExt) features12.pNext = &coop;
    vkGetPhysicalDeviceFeatures2(physical, &features);
    facts.shaderFloat16 = features12.shaderFloat16 == VK_TRUE;
    facts.cooperativeMatrix = coopExt && coop.cooperativeMatrix == VK_TRUE;
    if (!facts.cooperativeMatrix) return;
    auto list = reinterpret_cast<PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesNV>(
        vkGetInstanceProcAddr(instance, "vkGetPhysicalDeviceCooperativeMatrixPropertiesNV"));
    if (!list) {
        facts.cooperativeMatrix = false;
        return;
    }
    uint32_t count = 0;
    list(physical, &count, nullptr);
    std::vector<VkCooperativeMatrixPropertiesNV> shapes(count, {VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV});
    list(physical, &count, shapes.data());
    for (const auto& s : shapes)
        facts.coopMatShapes.push_back(
            {s.MSize, s.NSize, s.KSize, s.AType, s.BType, s.CType, s.DType, s.scope == VK_SCOPE_SUBGROUP_NV});
}

}  // namespace resvk::vk
