#pragma once
// Draws one window frame: the sources' pictures blitted letterboxed into the
// swapchain image, then Dear ImGui's draw lists on top, then present. One frame
// in flight; swapchain recreation on resize / OUT_OF_DATE / SUBOPTIMAL; nothing
// drawn while the window has zero size. Optionally reads the composed image back.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "viewer/layout.h"
#include "viewer/swapchain.h"
#include "viewer/window.h"
#include "vk/buffer.h"
#include "vk/context.h"

namespace resvk::app::viewer {

// One source's picture for this frame: RGBA8 pixels in a GPU buffer.
struct Picture {
    const vk::Buffer* pixels = nullptr;  // null: nothing to show yet
    int width = 0, height = 0;
    bool changed = false;  // new pixels since the last frame
    Rect rect;             // where it goes in the window
};

// The composed window image, tightly packed RGB24.
struct ComposedImage {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;
};

class Renderer {
public:
    Renderer(vk::Context& context, Window& window, bool vsync);
    ~Renderer();
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;

    // Gets a swapchain image (waiting for one only when `waitForImage`) and starts
    // the ImGui frame. False: nothing to draw now (minimised, or no image free yet).
    bool beginFrame(bool waitForImage);
    // Finishes the ImGui frame, records, submits and presents. With `readBack`,
    // waits and fills it with the composed image.
    void endFrame(const std::vector<Picture>& pictures, ComposedImage* readBack);
    // Waits until the GPU no longer reads what the last frame used.
    void waitIdle();
    // GPU time of the frames drawn since the last call (waits for them); 0
    // where the device has no timestamps.
    double takeGpuSeconds();

    VkExtent2D extent() const { return swapchain_.extent(); }
    const char* presentModeName() const;

private:
    struct SourceImage;
    void recreateSwapchain();
    void createFramebuffers();
    void destroyFramebuffers();
    void prepareImage(SourceImage& image, const Picture& picture);
    void record(VkCommandBuffer cmd, const std::vector<Picture>& pictures, ComposedImage* readBack);

    vk::Context& context_;
    Window& window_;
    Swapchain swapchain_;
    VkRenderPass renderPass_ = VK_NULL_HANDLE;
    std::vector<VkFramebuffer> framebuffers_;
    VkCommandPool pool_ = VK_NULL_HANDLE;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    VkFence fence_ = VK_NULL_HANDLE;
    VkSemaphore acquired_ = VK_NULL_HANDLE;
    std::vector<VkSemaphore> rendered_;  // one per swapchain image
    VkDescriptorPool imguiPool_ = VK_NULL_HANDLE;
    std::vector<std::unique_ptr<SourceImage>> images_;
    std::unique_ptr<vk::Buffer> readBuffer_;
    VkQueryPool timestamps_ = VK_NULL_HANDLE;  // top and bottom of the last frame's commands
    bool timed_ = false;                       // a frame with timestamps was submitted since takeGpuSeconds()
    uint32_t imageIndex_ = 0;
    bool frameOpen_ = false;
    bool stale_ = false;  // the swapchain no longer matches the window
    bool imguiReady_ = false;
};

}  // namespace resvk::app::viewer
