#pragma once
// The GPU facts that only extensions report: compute-unit counts
// (VK_NV_shader_sm_builtins, VK_AMD_shader_core_properties) and the
// cooperative-matrix feature and shapes (VK_NV_cooperative_matrix), queried
// into DeviceFacts before the device exists (context.cpp enables what the
// traits then choose).
#include <vulkan/vulkan.h>

#include "vk/device_traits.h"

namespace resvk::vk {

void queryGpuFacts(VkInstance instance, VkPhysicalDevice physical, DeviceFacts& facts);

}  // namespace resvk::vk
