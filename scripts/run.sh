#!/usr/bin/env bash
# The main job: install, build, classify a sample video and photos with a real
# pretrained ResNet, writing a labelled copy of the video.
# Models are found by name in the folders of RESVK_MODELS (offline use), then
# in the cache that `resvk models pull` fills.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
shared=../shared
export RESVK_MODELS="${RESVK_MODELS:-$shared/models/cifar10}"
./build/resvk classify "$shared"/media/*.jpg --model resnet56_cifar10 --no-crop --top 3
./build/resvk classify "$shared/media/Megamind.avi" --model resnet56_cifar10 --no-crop --top 3 \
  --every 12 --smooth 0.5 --output build/Megamind-labelled.mp4 "$@"
echo "wrote build/Megamind-labelled.mp4"
