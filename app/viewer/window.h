#pragma once
// The desktop window (GLFW, no client API): creation, the Vulkan surface,
// keyboard events, fullscreen, size and minimise. Owns GLFW's global state, so
// it is created first and destroyed last.
#include <vulkan/vulkan.h>

#include <string>
#include <vector>

struct GLFWwindow;
struct GLFWmonitor;

namespace resvk::app::viewer {

// Empty when a window can be opened, else why not (one line for the user).
std::string missingDisplayReason();

class Window {
public:
    Window(const std::string& title, int width, int height);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    GLFWwindow* handle() const { return window_; }
    // What the Vulkan instance needs to make surfaces for this window system.
    static std::vector<const char*> instanceExtensions();
    // True when queue `family` of `device` can present to this window system.
    static bool canPresent(VkInstance instance, VkPhysicalDevice device, uint32_t family);
    VkSurfaceKHR createSurface(VkInstance instance) const;

    // Size in pixels; 0 x 0 while minimised.
    VkExtent2D framebufferSize() const;
    bool closeRequested() const;
    void requestClose();
    void toggleFullscreen();
    void resize(int width, int height);
    void iconify();
    void restore();

    void poll();
    void wait(double seconds);
    // Keys (GLFW_KEY_*) pressed since the last call, in order.
    std::vector<int> takeKeys();

private:
    static void onKey(GLFWwindow* window, int key, int scancode, int action, int mods);

    GLFWwindow* window_ = nullptr;
    std::vector<int> keys_;
    int windowedX_ = 0, windowedY_ = 0, windowedW_ = 0, windowedH_ = 0;
};

}  // namespace resvk::app::viewer
