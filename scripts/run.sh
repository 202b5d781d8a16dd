#!/usr/bin/env bash
# The main job: install, build, classify the sample photos with a real pretrained ResNet.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
shared=../shared
./build/resvk classify "$shared"/media/*.jpg \
  --model "$shared/models/cifar10/resnet56_cifar10.onnx" \
  --labels "$shared/models/cifar10/labels.txt" --top 3 "$@"
