#pragma once
// A compute pipeline made from an embedded shader plus specialisation constants.
// Every kernel follows one binding convention: binding 0 is the output storage
// buffer, bindings 1..inputs are texel buffers (RGBA32F or RGBA16F tensors,
// R32UI video planes), which
// lavapipe reads ~20x faster than storage buffers and real GPUs read through the
// texture cache: uniform texel buffers (texelFetch), or storage texel buffers
// (imageLoad, which lavapipe inlines) where the shader declares them so. The
// descriptor layout takes each binding's type from the shader's SPIR-V.
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "shader_id.h"
#include "vk/handles.h"

namespace resvk::vk {

struct KernelKey {
    shaders::ShaderId shader;
    std::vector<int32_t> specialization;  // constant_id 0, 1, ... in order
    uint32_t inputs = 1;                  // texel-buffer bindings after the output
    uint32_t pushBytes = 0;
    // Nonzero: the kernel relies on this subgroup size (it shares data across a
    // subgroup that must be its whole workgroup); the pipeline pins it, with full
    // subgroups. Only valid where DeviceTraits::canPinSubgroupSize.
    uint32_t requiredSubgroupSize = 0;
    // The kernel takes its workgroups' tiles from a queue (shaders/include/tile_queue.glsl)
    // at the binding after its inputs: the stream binds one, fills in the grid it
    // was given and launches a few workgroups that claim tiles until none is left.
    // Needs requiredSubgroupSize == the workgroup size (one lane claims for all).
    bool tileQueue = false;

    bool operator<(const KernelKey& o) const {
        return std::tie(shader, specialization, inputs, pushBytes, requiredSubgroupSize, tileQueue) <
               std::tie(o.shader, o.specialization, o.inputs, o.pushBytes, o.requiredSubgroupSize, o.tileQueue);
    }
};

class Kernel {
public:
    Kernel(Context& context, VkPipelineCache cache, const KernelKey& key);
    VkPipeline pipeline() const { return pipeline_.get(); }
    VkPipelineLayout layout() const { return layout_.get(); }
    VkDescriptorSetLayout setLayout() const { return setLayout_.get(); }
    VkDescriptorType descriptorType(uint32_t binding) const { return descriptorTypes_.at(binding); }
    const KernelKey& key() const { return key_; }

private:
    KernelKey key_;
    std::vector<VkDescriptorType> descriptorTypes_;
    OwnedSetLayout setLayout_;
    OwnedPipelineLayout layout_;
    OwnedPipeline pipeline_;
};

// Builds each distinct kernel once; keeps a VkPipelineCache on disk so the
// driver's shader compilation (seconds on lavapipe) is paid once per machine.
class KernelCache {
public:
    explicit KernelCache(Context& context);
    ~KernelCache();
    Kernel& get(const KernelKey& key);

private:
    Context& context_;
    OwnedPipelineCache cache_;
    std::string cachePath_;
    std::map<KernelKey, std::unique_ptr<Kernel>> kernels_;
};

}  // namespace resvk::vk
