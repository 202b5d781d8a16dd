#include "viewer/window.h"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace resvk::app::viewer {

namespace {
std::string lastGlfwError() {
    const char* text = nullptr;
    glfwGetError(&text);
    return text ? text : "unknown GLFW error";
}
bool envSet(const char* name) {
    const char* v = std::getenv(name);
    return v && *v;
}
}  // namespace

std::string missingDisplayReason() {
    if (envSet("DISPLAY") || envSet("WAYLAND_DISPLAY")) return "";
    return "no display (DISPLAY is not set): use `resvk classify --output annotated.mp4` to get labelled video "
           "without a window";
}

Window::Window(const std::string& title, int width, int height) {
    if (!glfwInit()) throw std::runtime_error("cannot open the display: " + lastGlfwError());
    if (!glfwVulkanSupported()) {
        glfwTerminate();
        throw std::runtime_error("the window system offers no Vulkan surface support (GLFW found no Vulkan loader)");
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    window_ = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
    if (!window_) {
        const std::string why = lastGlfwError();
        glfwTerminate();
        throw std::runtime_error("cannot create a window: " + why);
    }
    glfwSetWindowUserPointer(window_, this);
    glfwSetKeyCallback(window_, &Window::onKey);
}

Window::~Window() {
    if (window_) glfwDestroyWindow(window_);
    glfwTerminate();
}

std::vector<const char*> Window::instanceExtensions() {
    uint32_t count = 0;
    const char** names = glfwGetRequiredInstanceExtensions(&count);
    if (!names) throw std::runtime_error("the window system offers no Vulkan surface extension: " + lastGlfwError());
    return std::vector<const char*>(names, names + count);
}

bool Window::canPresent(VkInstance instance, VkPhysicalDevice device, uint32_t family) {
    return glfwGetPhysicalDevicePresentationSupport(instance, device, family) == GLFW_TRUE;
}

VkSurfaceKHR Window::createSurface(VkInstance instance) const {
    VkSurfaceKHR surface = VK_NULL_HANDLE;
    if (glfwCreateWindowSurface(instance, window_, nullptr, &surface) != VK_SUCCESS)
        throw std::runtime_error("cannot create a Vulkan surface for the window: " + lastGlfwError());
    return surface;
}

VkExtent2D Window::framebufferSize() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window_, &w, &h);
    if (glfwGetWindowAttrib(window_, GLFW_ICONIFIED)) w = h = 0;
    return {static_cast<uint32_t>(w > 0 ? w : 0), static_cast<uint32_t>(h > 0 ? h : 0)};
}

bool Window::closeRequested() const {
    return glfwWindowShouldClose(window_);
}
void Window::requestClose() {
    glfwSetWindowShouldClose(window_, GLFW_TRUE);
}

void Window::toggleFullscreen() {
    if (glfwGetWindowMonitor(window_)) {
        glfwSetWindowMonitor(window_, nullptr, windowedX_, windowedY_, windowedW_, windowedH_, GLFW_DONT_CARE);
        return;
    }
    // Fullscreen on the monitor the window is mostly on, not always the primary one.
    glfwGetWindowPos(window_, &windowedX_, &windowedY_);
    glfwGetWindowSize(window_, &windowedW_, &windowedH_);
    int count = 0;
    GLFWmonitor** monitors = glfwGetMonitors(&count);
    GLFWmonitor* best = glfwGetPrimaryMonitor();
    int bestArea = -1;
    for (int i = 0; i < count; ++i) {
        int mx, my;
        glfwGetMonitorPos(monitors[i], &mx, &my);
        const GLFWvidmode* mode = glfwGetVideoMode(monitors[i]);
        if (!mode) continue;
        const int w = std::max(0, std::min(windowedX_ + windowedW_, mx + mode->width) - std::max(windowedX_, mx));
        const int h = std::max(0, std::min(windowedY_ + windowedH_, my + mode->height) - std::max(windowedY_, my));
        if (w * h > bestArea) bestArea = w * h, best = monitors[i];
    }
    if (!best) return;
    const GLFWvidmode* mode = glfwGetVideoMode(best);
    if (mode) glfwSetWindowMonitor(window_, best, 0, 0, mode->width, mode->height, mode->refreshRate);
}

void Window::resize(int width, int height) {
    glfwSetWindowSize(window_, width, height);
}
void Window::iconify() {
    glfwIconifyWindow(window_);
}
void Window::restore() {
    glfwRestoreWindow(window_);
}
void Window::poll() {
    glfwPollEvents();
}
void Window::wait(double seconds) {
    glfwWaitEventsTimeout(seconds);
}

std::vector<int> Window::takeKeys() {
    std::vector<int> keys;
    keys.swap(keys_);
    return keys;
}

void Window::onKey(GLFWwindow* window, int key, int, int action, int) {
    auto* self = static_cast<Window*>(glfwGetWindowUserPointer(window));
    if (self && (action == GLFW_PRESS || action == GLFW_REPEAT)) self->keys_.push_back(key);
}

}  // namespace resvk::app::viewer
