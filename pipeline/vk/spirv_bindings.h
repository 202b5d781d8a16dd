#pragma once
// The descriptor type of every binding a compute shader declares, read from its
// SPIR-V: the shader source is the one place that says how a kernel reads each
// input (texelFetch from a uniform texel buffer, imageLoad from a storage texel
// buffer, a storage buffer), so descriptor layouts and writes follow it instead
// of a convention kept in step by hand.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <span>
#include <vector>

namespace resvk::vk {

// Types of bindings 0 .. count-1 of descriptor set 0; one the shader does not
// declare (compiled away) is a uniform texel buffer. Throws std::logic_error
// naming the binding when one is of a kind no kernel uses (the shaders are
// built in: that is a programming error, not bad input).
std::vector<VkDescriptorType> descriptorTypes(std::span<const uint32_t> spirv, uint32_t count);

}  // namespace resvk::vk
