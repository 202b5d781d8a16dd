#include "vk/command_stream.h"

#include <algorithm>

namespace resvk::vk {

namespace {
constexpr uint32_t kSetsPerPool = 128;
constexpr uint32_t kMaxInputsPerKernel = 8;
constexpr uint32_t kMaxTimedDispatches = 4096;
// Tile queues (shaders/include/tile_queue.glsl): slots per buffer; at least
// this many chunks per dispatch, so that the threads finish within a small
// part of it of each other; and where one workgroup may take only so many
// tiles, this many times the workgroups that would just cover them, so that
// still any thread could take every tile (else a dispatch launches
// DeviceTraits::queueWorkgroups).
constexpr VkDeviceSize kTileQueueSlots = 256;
constexpr uint64_t kTileQueueChunks = 64;
constexpr uint64_t kTileQueueSlack = 4;

// Everything a stream's commands do: shaders and copies reading and writing buffers.
constexpr VkPipelineStageFlags kWorkStages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
constexpr VkAccessFlags kWorkWrites = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
constexpr VkAccessFlags kWorkAccess = kWorkWrites | VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT;

bool anyOverlap(const BufferSlice& s, const std::vector<BufferSlice>& list) {
    return std::any_of(list.begin(), list.end(), [&](const BufferSlice& o) { return s.overlaps(o); });
}
}  // namespace

CommandStream::CommandStream(Context& context, KernelCache& kernels, bool timestamps)
    : context_(context), kernels_(kernels), pool_(context) {
    cmd_ = pool_.allocate();
    if (timestamps && context.properties().limits.timestampComputeAndGraphics) {
        VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
        info.queryType = VK_QUERY_TYPE_TIMESTAMP;
        info.queryCount = kMaxTimedDispatches + 1;
        VkQueryPool pool;
        RESVK_VK(vkCreateQueryPool(context.device(), &info, nullptr, &pool));
        queries_ = {context.device(), pool};
        queryCapacity_ = info.queryCount;
    }
}

CommandStream::~CommandStream() {
    // Never free what the GPU may still read; errors here cannot be reported.
    try {
        wait();
    } catch (...) {
    }
}

void CommandStream::beginIfNeeded() {
    if (recording_) return;
    if (finished_) throw Error("CommandStream: recording after finish()");
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    RESVK_VK(vkBeginCommandBuffer(cmd_, &begin));
    recording_ = true;
    // Work submitted earlier (another stream, a setup upload, the last replay of
    // this one) may have written what this reads, or read what this overwrites.
    memoryBarrier(cmd_, kWorkStages, kWorkWrites, kWorkStages, kWorkAccess);
    if (queryCapacity_) {
        vkCmdResetQueryPool(cmd_, queries_.get(), 0, queryCapacity_);
        vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queries_.get(), 0);
    }
}

VkDescriptorSet CommandStream::allocateSet(VkDescriptorSetLayout layout) {
    if (setsLeftInPool_ == 0) {
        VkDescriptorPoolSize sizes[] = {
            {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSetsPerPool},
            {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, kSetsPerPool * kMaxInputsPerKernel},
            {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, kSetsPerPool * kMaxInputsPerKernel},
        };
        VkDescriptorPoolCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
        info.maxSets = kSetsPerPool;
        info.poolSizeCount = 3;
        info.pPoolSizes = sizes;
        VkDescriptorPool pool;
        RESVK_VK(vkCreateDescriptorPool(context_.device(), &info, nullptr, &pool));
        descriptorPools_.emplace_back(context_.device(), pool);
        setsLeftInPool_ = kSetsPerPool;
    }
    --setsLeftInPool_;
    VkDescriptorSetAllocateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    info.descriptorPool = descriptorPools_.back().get();
    info.descriptorSetCount = 1;
    info.pSetLayouts = &layout;
    VkDescriptorSet set;
    RESVK_VK(vkAllocateDescriptorSets(context_.device(), &info, &set));
    return set;
}

VkBufferView CommandStream::texelView(const BufferSlice& slice, VkFormat format) {
    auto key = std::make_tuple(slice.buffer, slice.offset, slice.size, format);
    auto it = views_.find(key);
    if (it != views_.end()) return it->second.get();
    VkBufferViewCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
    info.buffer = slice.buffer;
    info.format = format;
    info.offset = slice.offset;
    info.range = slice.size;
    VkBufferView view;
    RESVK_VK(vkCreateBufferView(context_.device(), &info, nullptr, &view));
    return views_.emplace(key, OwnedBufferView(context_.device(), view)).first->second.get();
}

void CommandStream::barrierIfNeeded(const BufferSlice& output, const std::vector<BufferSlice>& inputs) {
    bool hazard = anyOverlap(output, writtenSinceBarrier_) || anyOverlap(output, readSinceBarrier_);
    for (const auto& in : inputs) hazard = hazard || anyOverlap(in, writtenSinceBarrier_);
    if (hazard) {
        // Copies and dispatches alike: one barrier covers both kinds of work.
        memoryBarrier(cmd_, kWorkStages, kWorkWrites, kWorkStages, kWorkAccess);
        writtenSinceBarrier_.clear();
        readSinceBarrier_.clear();
    }
    writtenSinceBarrier_.push_back(output);
    readSinceBarrier_.insert(readSinceBarrier_.end(), inputs.begin(), inputs.end());
}

std::pair<BufferSlice, uint32_t> CommandStream::recordTileQueue(std::array<uint32_t, 3> groups, uint32_t tileLimit) {
    // Chunks of consecutive tiles: a grid row (x) where that leaves enough of them.
    const uint64_t tiles = uint64_t(groups[0]) * groups[1] * groups[2];
    uint64_t chunk = std::clamp<uint64_t>(tiles / kTileQueueChunks, 1, std::max<uint32_t>(groups[0], 1));
    if (tileLimit) chunk = std::min<uint64_t>(chunk, tileLimit);
    const uint64_t chunks = (tiles + chunk - 1) / chunk;
    const uint64_t claimLimit = tileLimit ? tileLimit / chunk : ~0u;
    uint64_t launch = std::max<uint64_t>(context_.traits().queueWorkgroups,
                                         tileLimit ? kTileQueueSlack * ((chunks + claimLimit - 1) / claimLimit) : 0);
    launch = std::min<uint64_t>({launch, chunks, context_.properties().limits.maxComputeWorkGroupCount[0]});
    if (launch * claimLimit < chunks) throw Error("CommandStream::dispatch: too many tiles for one queued dispatch");

    // Reset on every replay: the chunks claimed, the grid, tiles per chunk, the
    // most chunks one workgroup takes, the chunks claimed from the front and
    // from the back (shaders/include/tile_queue.glsl).
    const uint32_t reset[8] = {
        0, groups[0], groups[1], groups[2], static_cast<uint32_t>(chunk), static_cast<uint32_t>(claimLimit)};
    // A texel view's offset must be aligned.
    const VkDeviceSize slot =
        std::max<VkDeviceSize>(sizeof reset, context_.properties().limits.minTexelBufferOffsetAlignment);
    if (tileQueues_.empty() || tileQueueUsed_ + slot > tileQueues_.back().size()) {
        tileQueues_.emplace_back(context_, slot * kTileQueueSlots, Buffer::Kind::StorageTexels);
        tileQueueUsed_ = 0;
    }
    const BufferSlice queue = tileQueues_.back().slice(tileQueueUsed_, sizeof reset);
    tileQueueUsed_ += slot;
    barrierIfNeeded(queue, {});
    vkCmdUpdateBuffer(cmd_, queue.buffer, queue.offset, sizeof reset, reset);
    return {queue, static_cast<uint32_t>(launch)};
}

size_t CommandStream::dispatch(const KernelKey& key, const BufferSlice& output, const std::vector<BufferSlice>& inputs,
                               const void* push, std::array<uint32_t, 3> groups, uint32_t tileLimit) {
    std::vector<TexelInput> typed;
    typed.reserve(inputs.size());
    for (const auto& in : inputs) typed.push_back({in});
    return dispatch(key, output, typed, push, groups, tileLimit);
}

size_t CommandStream::dispatch(const KernelKey& key, const BufferSlice& output,
                               const std::vector<TexelInput>& typedInputs, const void* push,
                               std::array<uint32_t, 3> groups, uint32_t tileLimit) {
    std::vector<BufferSlice> inputs;
    inputs.reserve(typedInputs.size());
    for (const auto& in : typedInputs) inputs.push_back(in.slice);
    if (finished_) throw Error("CommandStream::dispatch after finish()");
    if (inputs.size() != key.inputs || inputs.size() > kMaxInputsPerKernel)
        throw Error("CommandStream::dispatch: input count does not match the kernel");
    beginIfNeeded();
    Kernel& kernel = kernels_.get(key);
    VkDescriptorSet set = allocateSet(kernel.setLayout());

    VkDescriptorBufferInfo outInfo{output.buffer, output.offset, output.size};
    std::vector<VkBufferView> views;
    for (const auto& in : typedInputs) views.push_back(texelView(in.slice, in.format));
    std::vector<VkWriteDescriptorSet> writes(1 + inputs.size(), {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET});
    for (uint32_t i = 0; i < writes.size(); ++i) {
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        if (i == 0) {
            writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
            writes[i].pBufferInfo = &outInfo;
        } else {
            writes[i].descriptorType = kernel.descriptorType(i);
            writes[i].pTexelBufferView = &views[i - 1];
        }
    }
    VkBufferView queueView = VK_NULL_HANDLE;
    if (key.tileQueue) {
        const auto [queue, launch] = recordTileQueue(groups, tileLimit);
        queueView = texelView(queue, VK_FORMAT_R32_UINT);
        VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        w.dstSet = set;
        w.dstBinding = static_cast<uint32_t>(writes.size());
        w.descriptorCount = 1;
        w.descriptorType = kernel.descriptorType(w.dstBinding);
        w.pTexelBufferView = &queueView;
        writes.push_back(w);
        inputs.push_back(queue);
        groups = {launch, 1, 1};
    }
    vkUpdateDescriptorSets(context_.device(), static_cast<uint32_t>(writes.size()), writes.data(), 0, nullptr);

    barrierIfNeeded(output, inputs);
    vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipeline());
    vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.layout(), 0, 1, &set, 0, nullptr);
    if (key.pushBytes) vkCmdPushConstants(cmd_, kernel.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, key.pushBytes, push);
    vkCmdDispatch(cmd_, groups[0], groups[1], groups[2]);
    ++dispatches_;
    shaders_.push_back(key.shader);
    if (queryCapacity_ && dispatches_ < queryCapacity_)
        vkCmdWriteTimestamp(cmd_, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries_.get(),
                            static_cast<uint32_t>(dispatches_));
    return dispatches_ - 1;
}

void CommandStream::copy(const BufferSlice& src, const BufferSlice& dst) {
    if (src.size != dst.size) throw Error("CommandStream::copy: source and destination sizes differ");
    if (src.size == 0) return;
    beginIfNeeded();
    barrierIfNeeded(dst, {src});
    VkBufferCopy region{src.offset, dst.offset, src.size};
    vkCmdCopyBuffer(cmd_, src.buffer, dst.buffer, 1, &region);
    ++copies_;
}

void CommandStream::finish() {
    if (finished_) return;
    beginIfNeeded();
    // Results are read on the host after the wait, or copied by later work.
    memoryBarrier(cmd_, kWorkStages, kWorkWrites, VK_PIPELINE_STAGE_HOST_BIT | kWorkStages,
                  VK_ACCESS_HOST_READ_BIT | kWorkAccess);
    RESVK_VK(vkEndCommandBuffer(cmd_));
    finished_ = true;
}

void CommandStream::submit() {
    finish();
    wait();
    submitted_ = context_.submit(cmd_);
}

void CommandStream::wait() {
    if (!submitted_) return;
    context_.wait(submitted_);
    submitted_ = 0;
}

std::vector<double> CommandStream::dispatchMilliseconds() const {
    if (!queryCapacity_ || dispatches_ == 0) return {};
    const uint32_t count = static_cast<uint32_t>(std::min<size_t>(dispatches_ + 1, queryCapacity_));
    std::vector<uint64_t> stamps(count);
    RESVK_VK(vkGetQueryPoolResults(context_.device(), queries_.get(), 0, count, count * sizeof(uint64_t), stamps.data(),
                                   sizeof(uint64_t), VK_QUERY_RESULT_64_BIT));
    const double period = context_.properties().limits.timestampPeriod * 1e-6;
    std::vector<double> ms(dispatches_, 0.0);
    for (uint32_t i = 1; i < count; ++i) ms[i - 1] = static_cast<double>(stamps[i] - stamps[i - 1]) * period;
    return ms;
}

}  // namespace resvk::vk
