// vk::descriptorTypes reads each binding's descriptor type from a built-in
// shader's SPIR-V: what the descriptor layouts and writes of every kernel follow.
#include "vk/spirv_bindings.h"

#include <catch2/catch.hpp>
#include <vector>

#include "shader_id.h"

using namespace resvk;
using Catch::Matchers::Contains;

TEST_CASE("descriptor types come from the shader: storage texel inputs where it imageLoads, uniform where it texelFetches",
          "[gpu_path]") {
    using S = shaders::ShaderId;
    const auto types = [](S id, uint32_t count) { return vk::descriptorTypes(shaders::spirv(id), count); };
    constexpr auto out = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, storage = VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER,
                   uniform = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
    // The register-tiled convolution, the Winograd transforms and the video planes of
    // preprocessing's first pass and of the viewer read through storage texel buffers...
    CHECK(types(S::conv2d_sg_o4p4, 5) == std::vector<VkDescriptorType>{out, storage, storage, storage, storage});
    CHECK(types(S::conv2d_sg_o4p4_fp16, 5) == std::vector<VkDescriptorType>{out, storage, storage, storage, storage});
    CHECK(types(S::winograd4_input, 2) == std::vector<VkDescriptorType>{out, storage});
    CHECK(types(S::preprocess_rows, 3) == std::vector<VkDescriptorType>{out, storage, uniform});
    CHECK(types(S::display, 3) == std::vector<VkDescriptorType>{out, storage, uniform});
    // ...the others through uniform texel buffers (pool, the GPU's shared-memory tiles, the second pass).
    CHECK(types(S::pool, 2) == std::vector<VkDescriptorType>{out, uniform});
    CHECK(types(S::conv_tiled_128x32, 5) == std::vector<VkDescriptorType>{out, uniform, uniform, uniform, uniform});
    CHECK(types(S::preprocess, 3) == std::vector<VkDescriptorType>{out, uniform, uniform});
    // A binding the shader does not declare takes the common type.
    CHECK(types(S::pool, 4).back() == uniform);
    // Not SPIR-V, or cut short: a programming error, said as such.
    const std::vector<uint32_t> junk{1, 2, 3, 4, 5, 6};
    CHECK_THROWS_WITH(vk::descriptorTypes(junk, 1), Contains("not SPIR-V"));
    const auto code = shaders::spirv(S::pool);
    std::vector<uint32_t> cut(code.begin(), code.begin() + 6);
    cut[5] = (100u << 16) | 71u;  // an instruction claiming 100 words
    CHECK_THROWS_WITH(vk::descriptorTypes(cut, 1), Contains("truncated"));
}
