#!/usr/bin/env bash
# The GPU checks, for a machine lent with a real GPU (the `device` tool): which
# device resvk picks and why, `check` on every reference case with each family
# of convolution kernels, and one table of inference times: ResNet-18/50 at
# batch 1/8/32, fp32 and fp16, each kernel family switched on in turn
# (register tiles -> shared-memory tiles -> + split-K -> + tensor cores), then
# ResNet-50 per layer at batch 1 and 32 in both precisions (with the host's
# share of Engine::run), then
# the video pipeline with 1 and 8 concurrent 720p sources where FFmpeg is
# available there. Printed as one Markdown report; sized to finish in under 8
# minutes on an H200.
#
# That machine has no Debian packages and cannot fetch any, so the engine goes
# there as resvk-gpu-probe (the same engine as resvk, without FFmpeg or a
# window) with its three libraries, and the Vulkan loader as the device tool's
# README says. Its own PyTorch builds the torchvision ResNets and their
# reference outputs there (../shared does not travel, and ResNet-50 alone would
# exceed what may be carried).
#
#   here:  bash bench/gpu.sh pack     -> .gpu/ and .gl/ (both git-ignored locally)
#   there: run with carry [".gpu", ".gl"]:  bash bench/gpu.sh run
#   here, on lavapipe, to check the script itself: bash bench/gpu.sh smoke
#
# Precision: the fp16 rows set RESVK_PRECISION=fp16; the "precision" column is
# what the layers report they ran, so a build without fp16 shows fp32 there.
set -euo pipefail
cd "$(dirname "$0")/.."

pack() {
  bash scripts/build.sh >/dev/null
  rm -rf .gpu && mkdir -p .gpu/lib .gpu/cases
  grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >>.git/info/exclude
  grep -qx '/.gl/' .git/info/exclude 2>/dev/null || echo /.gl/ >>.git/info/exclude
  cp build/resvk-gpu-probe .gpu/
  cp build/resvk .gpu/  # the video rows: only where that machine has FFmpeg's libraries
  for lib in $(ldd build/resvk-gpu-probe | awk '/=>/ {print $3}' | grep -E 'onnx|protobuf|libz\.'); do
    cp -L "$lib" .gpu/lib/
  done
  cp -r ../shared/models/reference/cifar_resnet20 .gpu/cases/
  if [ ! -d .gl ]; then
    mkdir -p .gl /tmp/amd64/partial
    local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    # shellcheck disable=SC2086
    apt-get $o update -qq
    # shellcheck disable=SC2086
    (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  fi
  du -sh .gpu .gl
  echo 'now: device run with carry [".gpu", ".gl"] and command "bash bench/gpu.sh run"'
}

export_cases() {  # torchvision ResNet-18/50, seeded random weights, references by PyTorch
  # The graph is written here from the modules (BatchNorm folded into each
  # convolution, as PyTorch's exporter does in eval mode) rather than by
  # torch.onnx.export: that machine's PyTorch is whatever its image holds, and
  # newer exporters write opsets and op patterns this check is not about.
  python3 - <<'PY'
import os, numpy as np, torch, torchvision, onnx
from onnx import helper, numpy_helper, TensorProto
torch.manual_seed(0)

def build(net):
    nodes, inits = [], []
    def conv(x, c, bn, relu):
        i = len(inits) // 2
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        w = (c.weight * scale[:, None, None, None]).detach().numpy()
        b = (bn.bias - bn.running_mean * scale).detach().numpy()
        inits.extend([numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")])
        nodes.append(helper.make_node("Conv", [x, f"w{i}", f"b{i}"], [f"c{i}"], kernel_shape=list(c.kernel_size),
                                      strides=list(c.stride), pads=list(c.padding) * 2, group=c.groups))
        if not relu:
            return f"c{i}"
        nodes.append(helper.make_node("Relu", [f"c{i}"], [f"r{i}"]))
        return f"r{i}"
    y = conv("input", net.conv1, net.bn1, True)
    nodes.append(helper.make_node("MaxPool", [y], ["pool"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
    y = "pool"
    for stage in (net.layer1, net.layer2, net.layer3, net.layer4):
        for k, blk in enumerate(stage):
            convs = [(blk.conv1, blk.bn1), (blk.conv2, blk.bn2)] + ([(blk.conv3, blk.bn3)] if hasattr(blk, "conv3") else [])
            z = y
            for j, (c, bn) in enumerate(convs):
                z = conv(z, c, bn, j + 1 < len(convs))
            skip = conv(y, blk.downsample[0], blk.downsample[1], False) if blk.downsample is not None else y
            n = len(nodes)
            nodes.append(helper.make_node("Add", [z, skip], [f"add{n}"]))
            nodes.append(helper.make_node("Relu", [f"add{n}"], [f"out{n}"]))
            y = f"out{n}"
    inits.append(numpy_helper.from_array(net.fc.weight.detach().numpy(), "fc_w"))
    inits.append(numpy_helper.from_array(net.fc.bias.detach().numpy(), "fc_b"))
    nodes += [helper.make_node("GlobalAveragePool", [y], ["gap"]), helper.make_node("Flatten", ["gap"], ["flat"]),
              helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], transB=1)]
    graph = helper.make_graph(nodes, "net", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 224, 224])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 1000])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    return model

for name in ("resnet18", "resnet50"):
    net = getattr(torchvision.models, name)(weights=None).eval()
    for m in net.modules():  # BatchNorm statistics that are not the identity, so folding is checked
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1); m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.0); m.bias.data.uniform_(-0.1, 0.1)
    case = f".gpu/cases/torchvision_{name}"
    os.makedirs(f"{case}/test_data_set_0", exist_ok=True)
    onnx.save(build(net), f"{case}/model.onnx")
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        y = net(x)
    for k, t in (("input_0", x), ("output_0", y)):
        with open(f"{case}/test_data_set_0/{k}.pb", "wb") as f:
            f.write(numpy_helper.from_array(t.numpy().astype(np.float32)).SerializeToString())
    print("exported", case, "logits range", float(y.min()), float(y.max()))
PY
}

run() {
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  if ! ls /usr/share/vulkan/icd.d/*nvidia* /etc/vulkan/icd.d/*nvidia* >/dev/null 2>&1; then
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  fi
  export LD_LIBRARY_PATH="$PWD/.gpu/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  local probe=.gpu/resvk-gpu-probe
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  export_cases || echo "(export failed: only the CIFAR case is checked)"
  echo; echo "## resvk devices"; timeout 60 "$probe" devices || echo "(devices failed)"
  # The default first (on a GPU with fast halves that is fp16 storage), then
  # each kernel family switched off in turn at both precisions, then the CPU
  # profile's kernels on the same GPU.
  local env
  for env in "" RESVK_PRECISION=fp32 "RESVK_PRECISION=fp32 RESVK_DISABLE_KERNELS=coopmat" \
    "RESVK_PRECISION=fp32 RESVK_DISABLE_KERNELS=coopmat,splitk" "RESVK_PRECISION=fp16 RESVK_DISABLE_KERNELS=coopmat" \
    RESVK_DISABLE_KERNELS=tiled RESVK_DEVICE_PROFILE=cpu; do
    echo; echo "## resvk check (${env:-default: every kernel family the device has, its default precision})"
    # shellcheck disable=SC2086
    env $env timeout 120 "$probe" check .gpu/cases/* || echo "(check failed)"
  done
  table "$probe" 1,8,32 .gpu/cases/torchvision_resnet18/model.onnx .gpu/cases/torchvision_resnet50/model.onnx
  layers "$probe" .gpu/cases/torchvision_resnet50/model.onnx 1 32
  video .gpu/resvk .gpu/cases/torchvision_resnet18/model.onnx 64
}

# Per layer, the default configuration at fp32 and at fp16 (the cooperative-matrix
# kernels): which layers fp16 slows down on a GPU, how far each runs from the
# hardware, and the host's share of Engine::run.
layers() {
  local probe=$1 model=$2
  shift 2
  local b p
  for b in "$@"; do
    for p in fp32 fp16; do
      echo; echo "## per layer: batch $b, $p"
      echo
      RESVK_PRECISION=$p timeout 120 "$probe" profile "$model" "$b" || echo "(profile failed)"
    done
  done
}

# One table: each model x precision x kernel configuration x batch. The first
# configuration (the register-tiled kernels lavapipe also runs) is the baseline.
table() {
  local probe=$1 batches=$2
  shift 2
  echo; echo "## inference: ms per batch by kernel family and precision (ratio: speed-up over register tiles)"
  echo; echo "| model | batch | kernels on | precision | conv layers ran | ms/batch min | median | GPU ms (layers) | images/s | vs register |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  local m p
  for m in "$@"; do
    for p in fp32 fp16; do
      RESVK_PRECISION=$p timeout 150 "$probe" matrix "$m" "$batches" register=tiled tiled=coopmat,splitk \
        tiled+splitk=coopmat all= || echo "| $m | | $p | (failed) | | | | | | |"
    done
  done
}

# The video pipeline (decode, GPU preprocessing, inference) with 1 and 8
# concurrent generated 720p sources, where resvk's FFmpeg libraries load.
video() {
  local resvk=$1 model=$2 frames=$3
  echo; echo "## video pipeline: 1 and 8 concurrent 720p sources ($model, $frames frames each)"
  if ! "$resvk" --version >/dev/null 2>&1; then
    echo; echo "skipped: resvk does not start here (FFmpeg's libraries are not on this machine; the probe carries the engine only)"
    return 0
  fi
  echo; echo "| sources | classified frames/s | latency p50 ms | p95 ms | pipeline adds % |"; echo "|---|---|---|---|---|"
  local n src
  for n in 1 8; do
    src=()
    for _ in $(seq "$n"); do src+=("lavfi:testsrc2=size=1280x720:rate=30"); done
    "$resvk" bench --model "$model" --frames "$frames" --iters 4 --json --source "${src[@]}" | python3 -c '
import json, sys
j = json.load(sys.stdin)
def g(*keys):
    for k in keys:
        if k in j: return j[k]
    return "?"
print("| %s | %s | %s | %s | %s |" % (sys.argv[1], g("classified_per_s"), g("latency_p50_ms"), g("latency_p95_ms"),
      g("pipeline_overhead_percent")))' "$n" || echo "| $n | (failed) | | | |"
  done
}

# The table and video sections on this machine's lavapipe through the GPU
# profile, with 2 timed runs per row: checks the script, measures nothing.
smoke() {
  export RESVK_DEVICE_PROFILE=gpu RESVK_CONV_TILE=auto RESVK_PROBE_RUNS=2  # lavapipe: tiled only when asked
  local model=../shared/models/cifar10/resnet20_cifar10.onnx
  table build/resvk-gpu-probe 1,2 "$model"
  layers build/resvk-gpu-probe "$model" 1
  video build/resvk "$model" 2
}

case "${1:-}" in
  pack) pack ;;
  run) run ;;
  smoke) smoke ;;
  *) echo "usage: bash bench/gpu.sh pack|run|smoke" >&2; exit 2 ;;
esac
