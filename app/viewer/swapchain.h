#pragma once
// The window's swapchain: surface format and present mode choice, (re)creation
// on resize, image views. A zero-size window (minimised) has no swapchain.
#include <vulkan/vulkan.h>

#include <vector>

#include "vk/context.h"

namespace resvk::app::viewer {

class Swapchain {
public:
    // Takes ownership of `surface`. vsync: FIFO; otherwise MAILBOX, else IMMEDIATE, else FIFO.
    Swapchain(vk::Context& context, VkSurfaceKHR surface, bool vsync);
    ~Swapchain();
    Swapchain(const Swapchain&) = delete;
    Swapchain& operator=(const Swapchain&) = delete;

    // Rebuilds for the window's current size (the caller has waited for the GPU).
    // False when the size is zero: then there is nothing to draw into.
    bool recreate(VkExtent2D windowSize);

    VkSwapchainKHR handle() const { return swapchain_; }
    VkFormat format() const { return format_; }
    VkExtent2D extent() const { return extent_; }
    VkPresentModeKHR presentMode() const { return presentMode_; }
    const std::vector<VkImage>& images() const { return images_; }
    const std::vector<VkImageView>& views() const { return views_; }
    bool valid() const { return swapchain_ != VK_NULL_HANDLE; }
    uint32_t minImageCount() const { return minImageCount_; }

private:
    void destroyViews();

    vk::Context& context_;
    VkSurfaceKHR surface_;
    VkSwapchainKHR swapchain_ = VK_NULL_HANDLE;
    VkFormat format_ = VK_FORMAT_B8G8R8A8_UNORM;
    VkColorSpaceKHR colourSpace_ = VK_COLOR_SPACE_SRGB_NONLINEAR_KHR;
    VkPresentModeKHR presentMode_ = VK_PRESENT_MODE_FIFO_KHR;
    VkExtent2D extent_{0, 0};
    uint32_t minImageCount_ = 2;
    std::vector<VkImage> images_;
    std::vector<VkImageView> views_;
};

}  // namespace resvk::app::viewer
