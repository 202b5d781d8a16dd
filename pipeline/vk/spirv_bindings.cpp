#include "vk/spirv_bindings.h"

#include <map>
#include <set>
#include <stdexcept>
#include <string>

namespace resvk::vk {

namespace {

// The few SPIR-V opcodes, decorations and enumerants a binding's type needs
// (SPIR-V 1.6 specification, section 3).
enum : uint32_t {
    OpTypeImage = 25,
    OpTypeSampledImage = 27,
    OpTypeStruct = 30,
    OpTypePointer = 32,
    OpVariable = 59,
    OpDecorate = 71,
    DecorationBufferBlock = 3,
    DecorationBinding = 33,
    DecorationDescriptorSet = 34,
    StorageClassUniform = 2,
    StorageClassStorageBuffer = 12,
    DimBuffer = 5,
    SampledStorage = 2,  // OpTypeImage "Sampled" operand: read/write image, no sampler
};

struct Image {
    uint32_t dim = 0, sampled = 0;
};

}  // namespace

std::vector<VkDescriptorType> descriptorTypes(std::span<const uint32_t> spirv, uint32_t count) {
    if (spirv.size() < 5 || spirv[0] != 0x07230203u) throw std::logic_error("descriptorTypes: not SPIR-V");
    std::map<uint32_t, uint32_t> binding, set;    // variable -> binding / descriptor set
    std::map<uint32_t, uint32_t> variableType;    // variable -> its pointer type
    std::map<uint32_t, std::pair<uint32_t, uint32_t>> pointer;  // pointer -> (storage class, pointee)
    std::map<uint32_t, Image> image;
    std::map<uint32_t, uint32_t> sampledImage;    // -> its image type
    std::set<uint32_t> structs, bufferBlocks;     // BufferBlock: a storage buffer in SPIR-V 1.0's spelling
    for (size_t at = 5; at < spirv.size();) {
        const uint32_t words = spirv[at] >> 16, op = spirv[at] & 0xffffu;
        if (words == 0 || at + words > spirv.size()) throw std::logic_error("descriptorTypes: truncated SPIR-V");
        const uint32_t* w = &spirv[at];
        if (op == OpDecorate && words >= 4 && w[2] == DecorationBinding) binding[w[1]] = w[3];
        if (op == OpDecorate && words >= 4 && w[2] == DecorationDescriptorSet) set[w[1]] = w[3];
        if (op == OpDecorate && words >= 3 && w[2] == DecorationBufferBlock) bufferBlocks.insert(w[1]);
        if (op == OpTypeImage && words >= 9) image[w[1]] = {w[3], w[7]};
        if (op == OpTypeSampledImage && words >= 3) sampledImage[w[1]] = w[2];
        if (op == OpTypeStruct && words >= 2) structs.insert(w[1]);
        if (op == OpTypePointer && words >= 4) pointer[w[1]] = {w[2], w[3]};
        if (op == OpVariable && words >= 4) variableType[w[2]] = w[1];
        at += words;
    }
    // A binding the shader leaves out (compiled away) may take any type: the
    // uniform texel buffer of most inputs.
    std::vector<VkDescriptorType> types(count, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER);
    for (const auto& [variable, b] : binding) {
        if (b >= count || (set.count(variable) && set[variable] != 0)) continue;
        const auto [storageClass, pointee] = pointer[variableType[variable]];
        const auto texel = [&](uint32_t id) { return image.count(id) && image[id].dim == DimBuffer; };
        if (sampledImage.count(pointee) && texel(sampledImage[pointee]))
            types[b] = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
        else if (texel(pointee) && image[pointee].sampled == SampledStorage)
            types[b] = VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
        else if (structs.count(pointee) && (storageClass == StorageClassStorageBuffer ||
                                            (storageClass == StorageClassUniform && bufferBlocks.count(pointee))))
            types[b] = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        else
            throw std::logic_error("descriptorTypes: binding " + std::to_string(b) +
                                   " is not a storage buffer or a texel buffer");
    }
    return types;
}

}  // namespace resvk::vk
