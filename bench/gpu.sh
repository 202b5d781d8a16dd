#!/usr/bin/env bash
# The GPU checks of the device-profile work, for a machine lent with a real GPU
# (the `device` tool): which device resvk picks and why, `check` on every
# reference case, and inference times for ResNet-18/50 at batch 1/8/32, printed
# as one Markdown report. Sized to finish in well under 8 minutes.
#
# That machine has no Debian packages and cannot fetch any, so the engine goes
# there as resvk-gpu-probe (the same engine as resvk, without FFmpeg or a
# window) with its three libraries, and the Vulkan loader as the device tool's
# README says. Its own PyTorch exports the torchvision ResNets and their
# reference outputs there (../shared does not travel, and ResNet-50 alone would
# exceed what may be carried).
#
#   here:  bash bench/gpu.sh pack     -> .gpu/ and .gl/ (both git-ignored locally)
#   there: run with carry [".gpu", ".gl"]:  bash bench/gpu.sh run
set -euo pipefail
cd "$(dirname "$0")/.."

pack() {
  bash scripts/build.sh >/dev/null
  rm -rf .gpu && mkdir -p .gpu/lib .gpu/cases
  grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >>.git/info/exclude
  grep -qx '/.gl/' .git/info/exclude 2>/dev/null || echo /.gl/ >>.git/info/exclude
  cp build/resvk-gpu-probe .gpu/
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
  python3 - <<'PY'
import os, numpy as np, torch, torchvision, onnx
from onnx import numpy_helper
torch.manual_seed(0)
for name in ("resnet18", "resnet50"):
    net = getattr(torchvision.models, name)(weights=None).eval()
    case = f".gpu/cases/torchvision_{name}"
    os.makedirs(f"{case}/test_data_set_0", exist_ok=True)
    x = torch.randn(2, 3, 224, 224)
    kw = dict(input_names=["input"], output_names=["logits"], opset_version=13,
              dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    try:
        torch.onnx.export(net, x, f"{case}/model.onnx", dynamo=False, **kw)
    except TypeError:
        torch.onnx.export(net, x, f"{case}/model.onnx", **kw)
    with torch.no_grad():
        y = net(x)
    for k, t in (("input_0", x), ("output_0", y)):
        with open(f"{case}/test_data_set_0/{k}.pb", "wb") as f:
            f.write(numpy_helper.from_array(t.numpy().astype(np.float32)).SerializeToString())
    print("exported", case)
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
  export_cases
  echo; echo "## resvk devices"; "$probe" devices
  echo; echo "## resvk check (default profile)"; "$probe" check .gpu/cases/* || echo "(check failed)"
  echo; echo "## resvk check (--device-profile cpu: the other branch on the same GPU)"
  RESVK_DEVICE_PROFILE=cpu "$probe" check .gpu/cases/* || echo "(check failed)"
  for m in resnet18 resnet50; do
    echo; echo "## resvk bench $m"; "$probe" bench ".gpu/cases/torchvision_$m/model.onnx" 1 8 32
  done
}

case "${1:-}" in
  pack) pack ;;
  run) run ;;
  *) echo "usage: bash bench/gpu.sh pack|run" >&2; exit 2 ;;
esac
