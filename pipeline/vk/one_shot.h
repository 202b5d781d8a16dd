#pragma once
// Records and runs a short command buffer synchronously (uploads, readbacks at setup).
#include <functional>

#include "vk/context.h"

namespace resvk::vk {

void runOneShot(Context& context, const std::function<void(VkCommandBuffer)>& record);

}  // namespace resvk::vk
