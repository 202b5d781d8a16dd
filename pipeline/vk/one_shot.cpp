#include "vk/one_shot.h"

#include "vk/handles.h"

namespace resvk::vk {

void runOneShot(Context& context, const std::function<void(VkCommandBuffer)>& record) {
    CommandPool pool(context);
    VkCommandBuffer cmd = pool.allocate();
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    RESVK_VK(vkBeginCommandBuffer(cmd, &begin));
    record(cmd);
    RESVK_VK(vkEndCommandBuffer(cmd));
    context.wait(context.submit(cmd));
}

}  // namespace resvk::vk
