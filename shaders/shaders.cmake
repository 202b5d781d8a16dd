# Every shader variant the engine can pick. Convolution variants differ in
# register tile (output texels x pixels per invocation) and in whether weights
# are shared across a subgroup; ops/conv.cpp picks one per layer and device.
# FP16: the kernel stores tensors through precision.glsl and gets an _fp16 twin
# (every kernel that writes a tensor must have one; ops::Recorder picks it).
resvk_shader(NAME conv2d_o4p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=4 PIXELS=4 FP16)
resvk_shader(NAME conv2d_o2p8 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=8 FP16)
resvk_shader(NAME conv2d_o2p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=4 FP16)
resvk_shader(NAME conv2d_o1p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=1 PIXELS=4 FP16)
resvk_shader(NAME conv2d_sg_o4p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=4 PIXELS=4 SUBGROUP_WEIGHTS=1 FP16)
resvk_shader(NAME conv2d_sg_o4p5 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=4 PIXELS=5 SUBGROUP_WEIGHTS=1 FP16)
resvk_shader(NAME conv2d_sg_o2p8 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=8 SUBGROUP_WEIGHTS=1 FP16)
resvk_shader(NAME conv2d_sg_o2p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=4 SUBGROUP_WEIGHTS=1 FP16)
# The same, taking tiles from a queue (vk::KernelKey::tileQueue, DeviceTraits::tileQueue).
resvk_shader(NAME conv2d_sgq_o4p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=4 PIXELS=4 SUBGROUP_WEIGHTS=1 TILE_QUEUE=1 FP16)
resvk_shader(NAME conv2d_sgq_o4p5 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=4 PIXELS=5 SUBGROUP_WEIGHTS=1 TILE_QUEUE=1 FP16)
resvk_shader(NAME conv2d_sgq_o2p8 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=8 SUBGROUP_WEIGHTS=1 TILE_QUEUE=1 FP16)
resvk_shader(NAME conv2d_sgq_o2p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=4 SUBGROUP_WEIGHTS=1 TILE_QUEUE=1 FP16)
resvk_shader(NAME conv_grouped SOURCE shaders/conv_grouped.comp FP16)
resvk_shader(NAME pool SOURCE shaders/pool.comp FP16)
resvk_shader(NAME global_avgpool SOURCE shaders/global_avgpool.comp FP16)
resvk_shader(NAME eltwise SOURCE shaders/eltwise.comp FP16)
resvk_shader(NAME affine SOURCE shaders/affine.comp FP16)
resvk_shader(NAME gather SOURCE shaders/gather.comp FP16)
resvk_shader(NAME softmax SOURCE shaders/softmax.comp FP16)
resvk_shader(NAME preprocess SOURCE shaders/preprocess.comp FP16)
# Its first pass writes an fp32 intermediate of its own, never a tensor: no FP16 twin.
resvk_shader(NAME preprocess_rows SOURCE shaders/preprocess_rows.comp)
resvk_shader(NAME winograd_input SOURCE shaders/winograd_input.comp FP16)
resvk_shader(NAME winograd_output SOURCE shaders/winograd_output.comp FP16)
resvk_shader(NAME winograd4_input SOURCE shaders/winograd4_input.comp FP16)
resvk_shader(NAME winograd4_output SOURCE shaders/winograd4_output.comp FP16)
# The transforms taking workgroups from a queue (workgroup_main.glsl).
resvk_shader(NAME winograd_input_q SOURCE shaders/winograd_input.comp DEFINES TILE_QUEUE=1 FP16)
resvk_shader(NAME winograd_output_q SOURCE shaders/winograd_output.comp DEFINES TILE_QUEUE=1 FP16)
resvk_shader(NAME winograd4_input_q SOURCE shaders/winograd4_input.comp DEFINES TILE_QUEUE=1 FP16)
resvk_shader(NAME winograd4_output_q SOURCE shaders/winograd4_output.comp DEFINES TILE_QUEUE=1 FP16)
resvk_shader(NAME display SOURCE shaders/display.comp)
# Output channels across lanes (conv2d_lanes.comp): layers with few output pixels.
resvk_shader(NAME conv2d_lanes_o2p8 SOURCE shaders/conv2d_lanes.comp DEFINES OC_TEXELS=2 PIXELS=8 FP16)
resvk_shader(NAME conv2d_lanes_o2p4 SOURCE shaders/conv2d_lanes.comp DEFINES OC_TEXELS=2 PIXELS=4 FP16)
resvk_shader(NAME conv2d_lanes_o2p1 SOURCE shaders/conv2d_lanes.comp DEFINES OC_TEXELS=2 PIXELS=1 FP16)
resvk_shader(NAME conv2d_lanes_sg_o2p8 SOURCE shaders/conv2d_lanes.comp DEFINES OC_TEXELS=2 PIXELS=8 SUBGROUP_INPUTS=1 FP16)
resvk_shader(NAME conv2d_lanes_sg_o1p16 SOURCE shaders/conv2d_lanes.comp DEFINES OC_TEXELS=1 PIXELS=16 SUBGROUP_INPUTS=1 FP16)
resvk_shader(NAME conv2d_lanes_sg_o2p4 SOURCE shaders/conv2d_lanes.comp DEFINES OC_TEXELS=2 PIXELS=4 SUBGROUP_INPUTS=1 FP16)
resvk_shader(NAME conv2d_lanes_sgq_o2p8 SOURCE shaders/conv2d_lanes.comp DEFINES OC_TEXELS=2 PIXELS=8 SUBGROUP_INPUTS=1 TILE_QUEUE=1 FP16)
resvk_shader(NAME conv2d_lanes_sgq_o1p16 SOURCE shaders/conv2d_lanes.comp DEFINES OC_TEXELS=1 PIXELS=16 SUBGROUP_INPUTS=1 TILE_QUEUE=1 FP16)
resvk_shader(NAME conv2d_lanes_sgq_o2p4 SOURCE shaders/conv2d_lanes.comp DEFINES OC_TEXELS=2 PIXELS=4 SUBGROUP_INPUTS=1 TILE_QUEUE=1 FP16)
# The GPU profile's shared-memory tiled convolutions: block tile pixels x output
# channels (BM x BN, one invocation per pixel); ops/conv_choice.cpp picks.
resvk_shader(NAME conv_tiled_256x64 SOURCE shaders/conv_tiled.comp DEFINES BM=256 BN=64 FP16)
resvk_shader(NAME conv_tiled_128x64 SOURCE shaders/conv_tiled.comp DEFINES BM=128 BN=64 FP16)
resvk_shader(NAME conv_tiled_128x32 SOURCE shaders/conv_tiled.comp DEFINES BM=128 BN=32 FP16)
resvk_shader(NAME conv_split_reduce SOURCE shaders/conv_split_reduce.comp FP16)
# The cooperative-matrix (tensor core) variant, only where this glslc compiles
# GL_NV_cooperative_matrix: probed by compiling the kernel itself at configure
# time, so a compiler without it leaves the kernel out instead of failing.
execute_process(
  COMMAND ${GLSLC} --target-env=vulkan1.2 -Werror -O -fshader-stage=compute
          -I ${CMAKE_CURRENT_SOURCE_DIR}/shaders/include -o ${CMAKE_BINARY_DIR}/coopmat_probe.spv
          ${CMAKE_CURRENT_SOURCE_DIR}/shaders/conv_coopmat.comp
  RESULT_VARIABLE RESVK_COOPMAT_PROBE OUTPUT_QUIET ERROR_QUIET)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/shaders/conv_coopmat.comp)  # an edit re-runs the probe
if(RESVK_COOPMAT_PROBE EQUAL 0)
  set(RESVK_HAVE_COOPMAT ON)
  resvk_shader(NAME conv_coopmat SOURCE shaders/conv_coopmat.comp FP16)
  message(STATUS "glslc compiles GL_NV_cooperative_matrix: the tensor-core convolution is built")
else()
  set(RESVK_HAVE_COOPMAT OFF)
  message(STATUS "glslc cannot compile GL_NV_cooperative_matrix: the tensor-core convolution is left out")
endif()
