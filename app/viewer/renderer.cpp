#include "viewer/renderer.h"

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_vulkan.h>

#include <stdexcept>

namespace resvk::app::viewer {

namespace {

constexpr VkFormat kPictureFormat = VK_FORMAT_R8G8B8A8_UNORM;
constexpr VkClearColorValue kBackground{{0.06f, 0.06f, 0.07f, 1.0f}};

void checkImGuiResult(VkResult r) {
    RESVK_VK(r);
}

uint32_t memoryType(const vk::Context& context, uint32_t bits, VkMemoryPropertyFlags preferred) {
    const auto& mem = context.memoryProperties();
    for (uint32_t i = 0; i < mem.memoryTypeCount; ++i)
        if ((bits & (1u << i)) && (mem.memoryTypes[i].propertyFlags & preferred) == preferred) return i;
    for (uint32_t i = 0; i < mem.memoryTypeCount; ++i)
        if (bits & (1u << i)) return i;
    throw vk::Error("no memory type for a viewer image");
}

void imageBarrier(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to, VkAccessFlags srcAccess,
                  VkAccessFlags dstAccess, VkPipelineStageFlags srcStage, VkPipelineStageFlags dstStage) {
    VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    b.srcAccessMask = srcAccess;
    b.dstAccessMask = dstAccess;
    b.oldLayout = from;
    b.newLayout = to;
    b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = image;
    b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, srcStage, dstStage, 0, 0, nullptr, 0, nullptr, 1, &b);
}

}  // namespace

// A source's picture as an image the blit can scale from.
struct Renderer::SourceImage {
    VkDevice device = VK_NULL_HANDLE;
    VkImage image = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    int width = 0, height = 0;
    bool filled = false;  // holds a picture, in TRANSFER_SRC_OPTIMAL
    ~SourceImage() { release(); }
    void release() {
        if (image) vkDestroyImage(device, image, nullptr);
        if (memory) vkFreeMemory(device, memory, nullptr);
        image = VK_NULL_HANDLE;
        memory = VK_NULL_HANDLE;
        filled = false;
    }
};

Renderer::Renderer(vk::Context& context, Window& window, bool vsync)
    : context_(context), window_(window), swapchain_(context, window.createSurface(context.instance()), vsync) {
    VkFormatProperties props;
    vkGetPhysicalDeviceFormatProperties(context.physicalDevice(), swapchain_.format(), &props);
    if (!(props.optimalTilingFeatures & VK_FORMAT_FEATURE_BLIT_DST_BIT))
        throw std::runtime_error("the Vulkan device cannot blit into the window's image format");
    vkGetPhysicalDeviceFormatProperties(context.physicalDevice(), kPictureFormat, &props);
    if (!(props.optimalTilingFeatures & VK_FORMAT_FEATURE_BLIT_SRC_BIT) ||
        !(props.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT))
        throw std::runtime_error("the Vulkan device cannot scale RGBA8 pictures with a linear blit");

    VkDevice device = context.device();
    // The pictures are blitted in first, so the pass loads them and draws the overlay on top.
    VkAttachmentDescription colour{};
    colour.format = swapchain_.format();
    colour.samples = VK_SAMPLE_COUNT_1_BIT;
    colour.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;
    colour.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    colour.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    colour.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    colour.initialLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    colour.finalLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    VkAttachmentReference ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription subpass{};
    subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
    subpass.colorAttachmentCount = 1;
    subpass.pColorAttachments = &ref;
    VkSubpassDependency deps[2]{};
    deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
    deps[0].dstSubpass = 0;
    deps[0].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    deps[1].srcSubpass = 0;
    deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
    deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
    deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
    rp.attachmentCount = 1;
    rp.pAttachments = &colour;
    rp.subpassCount = 1;
    rp.pSubpasses = &subpass;
    rp.dependencyCount = 2;
    rp.pDependencies = deps;
    RESVK_VK(vkCreateRenderPass(device, &rp, nullptr, &renderPass_));

    VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    poolInfo.queueFamilyIndex = context.queueFamily();
    RESVK_VK(vkCreateCommandPool(device, &poolInfo, nullptr, &pool_));
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = pool_;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    RESVK_VK(vkAllocateCommandBuffers(device, &alloc, &cmd_));
    VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    fenceInfo.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    RESVK_VK(vkCreateFence(device, &fenceInfo, nullptr, &fence_));
    VkSemaphoreCreateInfo semInfo{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    RESVK_VK(vkCreateSemaphore(device, &semInfo, nullptr, &acquired_));
    if (context.properties().limits.timestampComputeAndGraphics) {
        VkQueryPoolCreateInfo query{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
        query.queryType = VK_QUERY_TYPE_TIMESTAMP;
        query.queryCount = 2;
        RESVK_VK(vkCreateQueryPool(device, &query, nullptr, &timestamps_));
    }

    VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 16}};
    VkDescriptorPoolCreateInfo dp{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    dp.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    dp.maxSets = 16;
    dp.poolSizeCount = 1;
    dp.pPoolSizes = sizes;
    RESVK_VK(vkCreateDescriptorPool(device, &dp, nullptr, &imguiPool_));

    recreateSwapchain();

    ImGui_ImplVulkan_InitInfo init{};
    init.Instance = context.instance();
    init.PhysicalDevice = context.physicalDevice();
    init.Device = device;
    init.QueueFamily = context.queueFamily();
    init.Queue = context.queue();
    init.DescriptorPool = imguiPool_;
    init.MinImageCount = std::max(2u, swapchain_.minImageCount());
    init.ImageCount = std::max<uint32_t>(init.MinImageCount, static_cast<uint32_t>(swapchain_.images().size()));
    init.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
    init.CheckVkResultFn = &checkImGuiResult;
    if (!ImGui_ImplGlfw_InitForVulkan(window.handle(), true)) throw std::runtime_error("ImGui: GLFW backend failed");
    if (!ImGui_ImplVulkan_Init(&init, renderPass_)) throw std::runtime_error("ImGui: Vulkan backend failed");
    imguiReady_ = true;
    RESVK_VK(vkResetCommandBuffer(cmd_, 0));
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    RESVK_VK(vkBeginCommandBuffer(cmd_, &begin));
    ImGui_ImplVulkan_CreateFontsTexture(cmd_);
    RESVK_VK(vkEndCommandBuffer(cmd_));
    RESVK_VK(vkResetFences(device, 1, &fence_));
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd_;
    RESVK_VK(vkQueueSubmit(context.queue(), 1, &submit, fence_));
    waitIdle();
    ImGui_ImplVulkan_DestroyFontUploadObjects();
}

Renderer::~Renderer() {
    VkDevice device = context_.device();
    vkDeviceWaitIdle(device);
    if (imguiReady_) {
        ImGui_ImplVulkan_Shutdown();
        ImGui_ImplGlfw_Shutdown();
    }
    images_.clear();
    readBuffer_.reset();
    destroyFramebuffers();
    for (VkSemaphore s : rendered_) vkDestroySemaphore(device, s, nullptr);
    vkDestroySemaphore(device, acquired_, nullptr);
    vkDestroyFence(device, fence_, nullptr);
    if (timestamps_) vkDestroyQueryPool(device, timestamps_, nullptr);
    vkDestroyCommandPool(device, pool_, nullptr);
    vkDestroyDescriptorPool(device, imguiPool_, nullptr);
    vkDestroyRenderPass(device, renderPass_, nullptr);
}

const char* Renderer::presentModeName() const {
    switch (swapchain_.presentMode()) {
        case VK_PRESENT_MODE_FIFO_KHR:
            return "FIFO (vsync)";
        case VK_PRESENT_MODE_MAILBOX_KHR:
            return "MAILBOX";
        case VK_PRESENT_MODE_IMMEDIATE_KHR:
            return "IMMEDIATE";
        default:
            return "other";
    }
}

void Renderer::waitIdle() {
    RESVK_VK(vkWaitForFences(context_.device(), 1, &fence_, VK_TRUE, UINT64_MAX));
}

double Renderer::takeGpuSeconds() {
    if (!timed_) return 0.0;
    waitIdle();
    timed_ = false;
    uint64_t stamps[2];
    RESVK_VK(vkGetQueryPoolResults(context_.device(), timestamps_, 0, 2, sizeof stamps, stamps, sizeof(uint64_t),
                                   VK_QUERY_RESULT_64_BIT));
    return static_cast<double>(stamps[1] - stamps[0]) * context_.properties().limits.timestampPeriod * 1e-9;
}

void Renderer::destroyFramebuffers() {
    for (VkFramebuffer f : framebuffers_) vkDestroyFramebuffer(context_.device(), f, nullptr);
    framebuffers_.clear();
}

void Renderer::createFramebuffers() {
    for (VkImageView view : swapchain_.views()) {
        VkFramebufferCreateInfo info{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
        info.renderPass = renderPass_;
        info.attachmentCount = 1;
        info.pAttachments = &view;
        info.width = swapchain_.extent().width;
        info.height = swapchain_.extent().height;
        info.layers = 1;
        VkFramebuffer fb;
        RESVK_VK(vkCreateFramebuffer(context_.device(), &info, nullptr, &fb));
        framebuffers_.push_back(fb);
    }
}

void Renderer::recreateSwapchain() {
    // Presentation may still use the old images: let the whole device settle.
    RESVK_VK(vkDeviceWaitIdle(context_.device()));
    destroyFramebuffers();
    for (VkSemaphore s : rendered_) vkDestroySemaphore(context_.device(), s, nullptr);
    rendered_.clear();
    stale_ = false;
    if (!swapchain_.recreate(window_.framebufferSize())) return;
    createFramebuffers();
    VkSemaphoreCreateInfo semInfo{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    rendered_.resize(swapchain_.images().size());
    for (auto& s : rendered_) RESVK_VK(vkCreateSemaphore(context_.device(), &semInfo, nullptr, &s));
    if (imguiReady_) ImGui_ImplVulkan_SetMinImageCount(std::max(2u, swapchain_.minImageCount()));
}

bool Renderer::beginFrame(bool waitForImage) {
    const VkExtent2D size = window_.framebufferSize();
    if (size.width == 0 || size.height == 0) return false;  // minimised: keep the swapchain as it is
    if (stale_ || !swapchain_.valid() || size.width != swapchain_.extent().width ||
        size.height != swapchain_.extent().height)
        recreateSwapchain();
    if (!swapchain_.valid()) return false;
    waitIdle();
    const VkResult r = vkAcquireNextImageKHR(context_.device(), swapchain_.handle(), waitForImage ? UINT64_MAX : 0,
                                             acquired_, VK_NULL_HANDLE, &imageIndex_);
    if (r == VK_ERROR_OUT_OF_DATE_KHR) {
        stale_ = true;
        return false;
    }
    if (r == VK_NOT_READY || r == VK_TIMEOUT) return false;  // the display is behind: skip, never block inference
    if (r == VK_SUBOPTIMAL_KHR)
        stale_ = true;  // still usable (and the semaphore will signal): draw, then recreate
    else
        RESVK_VK(r);
    ImGui_ImplVulkan_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    frameOpen_ = true;
    return true;
}

void Renderer::prepareImage(SourceImage& s, const Picture& p) {
    if (s.image && s.width == p.width && s.height == p.height) return;
    s.release();
    s.device = context_.device();
    VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = kPictureFormat;
    info.extent = {static_cast<uint32_t>(p.width), static_cast<uint32_t>(p.height), 1};
    info.mipLevels = 1;
    info.arrayLayers = 1;
    info.samples = VK_SAMPLE_COUNT_1_BIT;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    RESVK_VK(vkCreateImage(s.device, &info, nullptr, &s.image));
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(s.device, s.image, &req);
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = memoryType(context_, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    RESVK_VK(vkAllocateMemory(s.device, &alloc, nullptr, &s.memory));
    RESVK_VK(vkBindImageMemory(s.device, s.image, s.memory, 0));
    s.width = p.width;
    s.height = p.height;
}

void Renderer::record(VkCommandBuffer cmd, const std::vector<Picture>& pictures, ComposedImage* readBack) {
    VkImage target = swapchain_.images()[imageIndex_];
    if (timestamps_) {
        vkCmdResetQueryPool(cmd, timestamps_, 0, 2);
        vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, timestamps_, 0);
    }
    // The pictures were written by compute dispatches in earlier submissions.
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0,
                         nullptr, 0, nullptr);
    while (images_.size() < pictures.size()) images_.push_back(std::make_unique<SourceImage>());
    for (size_t i = 0; i < pictures.size(); ++i) {
        const Picture& p = pictures[i];
        SourceImage& s = *images_[i];
        if (!p.pixels || p.width <= 0 || p.height <= 0) continue;
        if (!p.changed && s.filled && s.width == p.width && s.height == p.height) continue;
        prepareImage(s, p);
        imageBarrier(cmd, s.image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                     VK_ACCESS_TRANSFER_READ_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT);
        VkBufferImageCopy copy{};
        copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        copy.imageExtent = {static_cast<uint32_t>(p.width), static_cast<uint32_t>(p.height), 1};
        vkCmdCopyBufferToImage(cmd, p.pixels->handle(), s.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
        imageBarrier(cmd, s.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                     VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT);
        s.filled = true;
    }

    imageBarrier(cmd, target, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                 VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    const VkImageSubresourceRange whole{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &kBackground, 1, &whole);
    VkMemoryBarrier afterClear{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    afterClear.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    afterClear.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &afterClear, 0,
                         nullptr, 0, nullptr);
    const VkExtent2D extent = swapchain_.extent();
    for (size_t i = 0; i < pictures.size(); ++i) {
        const Picture& p = pictures[i];
        const SourceImage& s = *images_[i];
        if (!s.filled) continue;
        // Clip the destination to the swapchain (the window may have changed size since the layout).
        const int x0 = std::max(0, p.rect.x), y0 = std::max(0, p.rect.y);
        const int x1 = std::min<int>(extent.width, p.rect.x + p.rect.w);
        const int y1 = std::min<int>(extent.height, p.rect.y + p.rect.h);
        if (x1 <= x0 || y1 <= y0) continue;
        VkImageBlit blit{};
        blit.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        blit.srcOffsets[1] = {s.width, s.height, 1};
        blit.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        blit.dstOffsets[0] = {x0, y0, 0};
        blit.dstOffsets[1] = {x1, y1, 1};
        vkCmdBlitImage(cmd, s.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, target, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                       1, &blit, VK_FILTER_LINEAR);
    }
    imageBarrier(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                 VK_ACCESS_TRANSFER_WRITE_BIT,
                 VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
                 VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT);

    VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
    rp.renderPass = renderPass_;
    rp.framebuffer = framebuffers_[imageIndex_];
    rp.renderArea.extent = extent;
    vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
    ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), cmd);
    vkCmdEndRenderPass(cmd);

    if (readBack) {
        const VkDeviceSize bytes = static_cast<VkDeviceSize>(extent.width) * extent.height * 4;
        if (!readBuffer_ || readBuffer_->size() < bytes)
            readBuffer_ = std::make_unique<vk::Buffer>(context_, bytes, vk::Buffer::Kind::Staging);
        imageBarrier(cmd, target, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                     VK_ACCESS_TRANSFER_READ_BIT, VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT);
        VkBufferImageCopy copy{};
        copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        copy.imageExtent = {extent.width, extent.height, 1};
        vkCmdCopyImageToBuffer(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readBuffer_->handle(), 1, &copy);
        imageBarrier(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
                     VK_ACCESS_TRANSFER_READ_BIT, 0, VK_PIPELINE_STAGE_TRANSFER_BIT,
                     VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
    }
    if (timestamps_) {
        vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, timestamps_, 1);
        timed_ = true;
    }
}

void Renderer::endFrame(const std::vector<Picture>& pictures, ComposedImage* readBack) {
    if (!frameOpen_) throw std::logic_error("Renderer::endFrame without beginFrame");
    frameOpen_ = false;
    ImGui::Render();
    VkDevice device = context_.device();
    RESVK_VK(vkResetCommandBuffer(cmd_, 0));
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    RESVK_VK(vkBeginCommandBuffer(cmd_, &begin));
    record(cmd_, pictures, readBack);
    RESVK_VK(vkEndCommandBuffer(cmd_));

    RESVK_VK(vkResetFences(device, 1, &fence_));
    const VkPipelineStageFlags waitStage = VK_PIPELINE_STAGE_TRANSFER_BIT;
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.waitSemaphoreCount = 1;
    submit.pWaitSemaphores = &acquired_;
    submit.pWaitDstStageMask = &waitStage;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd_;
    submit.signalSemaphoreCount = 1;
    submit.pSignalSemaphores = &rendered_[imageIndex_];
    RESVK_VK(vkQueueSubmit(context_.queue(), 1, &submit, fence_));

    VkPresentInfoKHR present{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
    present.waitSemaphoreCount = 1;
    present.pWaitSemaphores = &rendered_[imageIndex_];
    VkSwapchainKHR sc = swapchain_.handle();
    present.swapchainCount = 1;
    present.pSwapchains = &sc;
    present.pImageIndices = &imageIndex_;
    const VkResult r = vkQueuePresentKHR(context_.queue(), &present);
    if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR)
        stale_ = true;
    else
        RESVK_VK(r);

    if (readBack) {
        waitIdle();
        const VkExtent2D e = swapchain_.extent();
        std::vector<uint8_t> bgra(static_cast<size_t>(e.width) * e.height * 4);
        readBuffer_->read(0, bgra.data(), bgra.size());
        const bool swapRb =
            swapchain_.format() == VK_FORMAT_B8G8R8A8_UNORM || swapchain_.format() == VK_FORMAT_B8G8R8A8_SRGB;
        readBack->width = static_cast<int>(e.width);
        readBack->height = static_cast<int>(e.height);
        readBack->rgb.resize(static_cast<size_t>(e.width) * e.height * 3);
        for (size_t i = 0, n = static_cast<size_t>(e.width) * e.height; i < n; ++i) {
            readBack->rgb[i * 3 + 0] = bgra[i * 4 + (swapRb ? 2 : 0)];
            readBack->rgb[i * 3 + 1] = bgra[i * 4 + 1];
            readBack->rgb[i * 3 + 2] = bgra[i * 4 + (swapRb ? 0 : 2)];
        }
    }
}

}  // namespace resvk::app::viewer
