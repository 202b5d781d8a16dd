#include "vk/kernel.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "vk/spirv_bindings.h"

namespace resvk::vk {

namespace {
constexpr uint32_t kLocalSizeAlias = 15;
}

Kernel::Kernel(Context& context, VkPipelineCache cache, const KernelKey& key) : key_(key) {
    VkDevice device = context.device();
    auto code = shaders::spirv(key.shader);
    const uint32_t bindingCount = 1 + key.inputs + (key.tileQueue ? 1 : 0);
    descriptorTypes_ = descriptorTypes(code, bindingCount);
    if (descriptorTypes_[0] != VK_DESCRIPTOR_TYPE_STORAGE_BUFFER)
        throw std::logic_error(std::string("kernel ") + shaders::name(key.shader) + ": binding 0 is not its output");
    if (key.tileQueue && descriptorTypes_.back() != VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER)
        throw std::logic_error(std::string("kernel ") + shaders::name(key.shader) +
                               ": the binding after its inputs is not a tile queue");
    std::vector<VkDescriptorSetLayoutBinding> bindings(bindingCount);
    for (uint32_t i = 0; i < bindings.size(); ++i) {
        bindings[i].binding = i;
        bindings[i].descriptorType = descriptorTypes_[i];
        bindings[i].descriptorCount = 1;
        bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo setInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    setInfo.bindingCount = static_cast<uint32_t>(bindings.size());
    setInfo.pBindings = bindings.data();
    VkDescriptorSetLayout setLayout;
    RESVK_VK(vkCreateDescriptorSetLayout(device, &setInfo, nullptr, &setLayout));
    setLayout_ = {device, setLayout};

    VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, key.pushBytes};
    VkPipelineLayoutCreateInfo layoutInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layoutInfo.setLayoutCount = 1;
    layoutInfo.pSetLayouts = &setLayout;
    layoutInfo.pushConstantRangeCount = key.pushBytes ? 1 : 0;
    layoutInfo.pPushConstantRanges = &push;
    VkPipelineLayout layout;
    RESVK_VK(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &layout));
    layout_ = {device, layout};

    VkShaderModuleCreateInfo moduleInfo{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    moduleInfo.codeSize = code.size() * sizeof(uint32_t);
    moduleInfo.pCode = code.data();
    VkShaderModule module;
    RESVK_VK(vkCreateShaderModule(device, &moduleInfo, nullptr, &module));
    OwnedShaderModule ownedModule(device, module);

    std::vector<VkSpecializationMapEntry> entries(key.specialization.size());
    for (uint32_t i = 0; i < entries.size(); ++i)
        entries[i] = {i, static_cast<uint32_t>(i * sizeof(int32_t)), sizeof(int32_t)};
    // Constant 0 is the workgroup width; shaders also read it as constant 15
    // (LOCAL_SIZE_X in tensor.glsl) because lavapipe leaves gl_WorkGroupSize
    // unspecialised. Same data, so the entry just points at element 0.
    if (!entries.empty()) entries.push_back({kLocalSizeAlias, 0, sizeof(int32_t)});
    VkSpecializationInfo spec{static_cast<uint32_t>(entries.size()), entries.data(),
                              key.specialization.size() * sizeof(int32_t), key.specialization.data()};

    VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = module;
    info.stage.pName = "main";
    info.stage.pSpecializationInfo = entries.empty() ? nullptr : &spec;
    VkPipelineShaderStageRequiredSubgroupSizeCreateInfoEXT subgroup{
        VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_REQUIRED_SUBGROUP_SIZE_CREATE_INFO_EXT};
    if (key.requiredSubgroupSize) {
        if (!context.traits().canPinSubgroupSize)
            throw Error(std::string("kernel ") + shaders::name(key.shader) +
                        " needs a pinned subgroup size, which this device cannot give");
        subgroup.requiredSubgroupSize = key.requiredSubgroupSize;
        info.stage.pNext = &subgroup;
        info.stage.flags = VK_PIPELINE_SHADER_STAGE_CREATE_REQUIRE_FULL_SUBGROUPS_BIT_EXT;
    }
    info.layout = layout;
    VkPipeline pipeline;
    RESVK_VK(vkCreateComputePipelines(device, cache, 1, &info, nullptr, &pipeline));
    pipeline_ = {device, pipeline};
}

namespace {

std::string pipelineCachePath(const Context& context) {
    namespace fs = std::filesystem;
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    fs::path dir = xdg && *xdg ? fs::path(xdg) : home && *home ? fs::path(home) / ".cache" : fs::path();
    if (dir.empty()) return {};
    const auto& p = context.properties();
    char uuid[2 * VK_UUID_SIZE + 1];
    for (unsigned i = 0; i < VK_UUID_SIZE; ++i) std::snprintf(uuid + 2 * i, 3, "%02x", p.pipelineCacheUUID[i]);
    return (dir / "resvk" / ("pipelines-" + std::string(uuid) + ".bin")).string();
}

}  // namespace

KernelCache::KernelCache(Context& context) : context_(context), cachePath_(pipelineCachePath(context)) {
    std::vector<char> data;
    std::error_code ec;
    // Only a regular file: a FIFO or device left at that path must not block start-up.
    if (!cachePath_.empty() && std::filesystem::is_regular_file(cachePath_, ec)) {
        std::ifstream in(cachePath_, std::ios::binary);
        data.assign(std::istreambuf_iterator<char>(in), {});
    }
    VkPipelineCacheCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    info.initialDataSize = data.size();
    info.pInitialData = data.empty() ? nullptr : data.data();
    VkPipelineCache cache;
    // A stale or foreign cache file is rejected by the driver: start empty then.
    if (vkCreatePipelineCache(context.device(), &info, nullptr, &cache) != VK_SUCCESS) {
        info.initialDataSize = 0;
        info.pInitialData = nullptr;
        RESVK_VK(vkCreatePipelineCache(context.device(), &info, nullptr, &cache));
    }
    cache_ = {context.device(), cache};
}

KernelCache::~KernelCache() {
    if (cachePath_.empty() || kernels_.empty()) return;
    size_t size = 0;
    if (vkGetPipelineCacheData(context_.device(), cache_.get(), &size, nullptr) != VK_SUCCESS) return;
    std::vector<char> data(size);
    if (vkGetPipelineCacheData(context_.device(), cache_.get(), &size, data.data()) != VK_SUCCESS) return;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(cachePath_).parent_path(), ec);
    // Write then rename, so a concurrent reader never sees half a cache.
    const std::string tmp = cachePath_ + ".tmp" + std::to_string(reinterpret_cast<uintptr_t>(this));
    {
        std::ofstream out(tmp, std::ios::binary);
        out.write(data.data(), static_cast<std::streamsize>(size));
        if (!out) return;
    }
    std::filesystem::rename(tmp, cachePath_, ec);
}

Kernel& KernelCache::get(const KernelKey& key) {
    auto it = kernels_.find(key);
    if (it == kernels_.end()) it = kernels_.emplace(key, std::make_unique<Kernel>(context_, cache_.get(), key)).first;
    return *it->second;
}

}  // namespace resvk::vk
