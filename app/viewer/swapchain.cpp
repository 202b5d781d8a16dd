#include "viewer/swapchain.h"

#include <algorithm>
#include <stdexcept>

namespace resvk::app::viewer {

Swapchain::Swapchain(vk::Context& context, VkSurfaceKHR surface, bool vsync) : context_(context), surface_(surface) {
    VkBool32 supported = VK_FALSE;
    RESVK_VK(
        vkGetPhysicalDeviceSurfaceSupportKHR(context.physicalDevice(), context.queueFamily(), surface, &supported));
    if (!supported) {
        vkDestroySurfaceKHR(context.instance(), surface_, nullptr);
        throw std::runtime_error("the Vulkan device's queue cannot present to this window");
    }
    uint32_t count = 0;
    RESVK_VK(vkGetPhysicalDeviceSurfaceFormatsKHR(context.physicalDevice(), surface, &count, nullptr));
    std::vector<VkSurfaceFormatKHR> formats(count);
    RESVK_VK(vkGetPhysicalDeviceSurfaceFormatsKHR(context.physicalDevice(), surface, &count, formats.data()));
    // UNORM so the video's bytes reach the screen as decoded (and ImGui's colours as authored).
    format_ = formats.empty() ? VK_FORMAT_B8G8R8A8_UNORM : formats[0].format;
    colourSpace_ = formats.empty() ? VK_COLOR_SPACE_SRGB_NONLINEAR_KHR : formats[0].colorSpace;
    [&] {
        for (VkFormat want : {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM})
            for (const auto& f : formats)
                if (f.format == want && f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) {
                    format_ = want;
                    colourSpace_ = f.colorSpace;
                    return;
                }
    }();
    RESVK_VK(vkGetPhysicalDeviceSurfacePresentModesKHR(context.physicalDevice(), surface, &count, nullptr));
    std::vector<VkPresentModeKHR> modes(count);
    RESVK_VK(vkGetPhysicalDeviceSurfacePresentModesKHR(context.physicalDevice(), surface, &count, modes.data()));
    presentMode_ = VK_PRESENT_MODE_FIFO_KHR;  // always available
    if (!vsync)
        for (VkPresentModeKHR want : {VK_PRESENT_MODE_MAILBOX_KHR, VK_PRESENT_MODE_IMMEDIATE_KHR})
            if (std::find(modes.begin(), modes.end(), want) != modes.end()) {
                presentMode_ = want;
                break;
            }
}

Swapchain::~Swapchain() {
    destroyViews();
    if (swapchain_) vkDestroySwapchainKHR(context_.device(), swapchain_, nullptr);
    vkDestroySurfaceKHR(context_.instance(), surface_, nullptr);
}

void Swapchain::destroyViews() {
    for (VkImageView v : views_) vkDestroyImageView(context_.device(), v, nullptr);
    views_.clear();
}

bool Swapchain::recreate(VkExtent2D windowSize) {
    VkSurfaceCapabilitiesKHR caps;
    RESVK_VK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(context_.physicalDevice(), surface_, &caps));
    VkExtent2D extent = caps.currentExtent;
    if (extent.width == 0xFFFFFFFFu) {
        extent.width = std::clamp(windowSize.width, caps.minImageExtent.width, caps.maxImageExtent.width);
        extent.height = std::clamp(windowSize.height, caps.minImageExtent.height, caps.maxImageExtent.height);
    }
    destroyViews();
    if (extent.width == 0 || extent.height == 0 || windowSize.width == 0 || windowSize.height == 0) {
        // Minimised: a swapchain of zero extent is invalid; keep none until restored.
        if (swapchain_) vkDestroySwapchainKHR(context_.device(), swapchain_, nullptr);
        swapchain_ = VK_NULL_HANDLE;
        images_.clear();
        extent_ = {0, 0};
        return false;
    }
    minImageCount_ = std::max(2u, caps.minImageCount + 1);
    if (caps.maxImageCount > 0) minImageCount_ = std::min(minImageCount_, caps.maxImageCount);
    const VkImageUsageFlags wanted =
        VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    if ((caps.supportedUsageFlags & wanted) != wanted)
        throw std::runtime_error("the window's swapchain images cannot be blitted to and read back");

    VkSwapchainCreateInfoKHR info{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
    info.surface = surface_;
    info.minImageCount = minImageCount_;
    info.imageFormat = format_;
    info.imageColorSpace = colourSpace_;
    info.imageExtent = extent;
    info.imageArrayLayers = 1;
    info.imageUsage = wanted;
    info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
    info.preTransform = (caps.supportedTransforms & VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR)
                            ? VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR
                            : caps.currentTransform;
    info.compositeAlpha =
        (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR)
            ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
            : static_cast<VkCompositeAlphaFlagBitsKHR>(caps.supportedCompositeAlpha & -caps.supportedCompositeAlpha);
    info.presentMode = presentMode_;
    info.clipped = VK_TRUE;
    info.oldSwapchain = swapchain_;
    VkSwapchainKHR created = VK_NULL_HANDLE;
    RESVK_VK(vkCreateSwapchainKHR(context_.device(), &info, nullptr, &created));
    if (swapchain_) vkDestroySwapchainKHR(context_.device(), swapchain_, nullptr);
    swapchain_ = created;
    extent_ = extent;

    uint32_t count = 0;
    RESVK_VK(vkGetSwapchainImagesKHR(context_.device(), swapchain_, &count, nullptr));
    images_.resize(count);
    RESVK_VK(vkGetSwapchainImagesKHR(context_.device(), swapchain_, &count, images_.data()));
    for (VkImage image : images_) {
        VkImageViewCreateInfo v{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
        v.image = image;
        v.viewType = VK_IMAGE_VIEW_TYPE_2D;
        v.format = format_;
        v.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        VkImageView view;
        RESVK_VK(vkCreateImageView(context_.device(), &v, nullptr, &view));
        views_.push_back(view);
    }
    return true;
}

}  // namespace resvk::app::viewer
