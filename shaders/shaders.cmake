# Every shader variant the engine can pick. Convolution variants differ in
# register tile (output texels x pixels per invocation) and in whether weights
# are shared across a subgroup; ops/conv.cpp picks one per layer and device.
resvk_shader(NAME conv2d_o4p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=4 PIXELS=4)
resvk_shader(NAME conv2d_o2p8 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=8)
resvk_shader(NAME conv2d_o2p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=4)
resvk_shader(NAME conv2d_o1p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=1 PIXELS=4)
resvk_shader(NAME conv2d_sg_o4p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=4 PIXELS=4 SUBGROUP_WEIGHTS=1)
resvk_shader(NAME conv2d_sg_o2p8 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=8 SUBGROUP_WEIGHTS=1)
resvk_shader(NAME conv2d_sg_o2p4 SOURCE shaders/conv2d.comp DEFINES OC_TEXELS=2 PIXELS=4 SUBGROUP_WEIGHTS=1)
resvk_shader(NAME conv_grouped SOURCE shaders/conv_grouped.comp)
resvk_shader(NAME pool SOURCE shaders/pool.comp)
resvk_shader(NAME global_avgpool SOURCE shaders/global_avgpool.comp)
resvk_shader(NAME eltwise SOURCE shaders/eltwise.comp)
resvk_shader(NAME affine SOURCE shaders/affine.comp)
resvk_shader(NAME gather SOURCE shaders/gather.comp)
resvk_shader(NAME softmax SOURCE shaders/softmax.comp)
resvk_shader(NAME preprocess SOURCE shaders/preprocess.comp)
