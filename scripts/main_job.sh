#!/usr/bin/env bash
# What scripts/run.sh runs once resvk is built; tests/install/main_job_test.sh runs it too.
# With the project's sample data (RESVK_SHARED, default ../shared): the pretrained
# CIFAR-10 ResNet-56 on real CIFAR-10 test images written out as PNGs (each printed
# with its true label, then the accuracy next to PyTorch's), and on a clip made of
# such images, written out with the labels drawn in. Without it: the ImageNet
# ResNet-18 from the ONNX Model Zoo (`resvk models pull`, needs the network) on a
# test picture.
# Environment: RESVK_BIN (default build/resvk), RESVK_MAIN_JOB_OUT (default build/main-job).
# Arguments are passed on to the video run (e.g. --device 1).
set -euo pipefail
cd "$(dirname "$0")/.."
resvk=${RESVK_BIN:-./build/resvk}
out=${RESVK_MAIN_JOB_OUT:-build/main-job}
shared=${RESVK_SHARED:-../shared}  # the project's sample data (tests read the same variable)
rm -rf "$out"
mkdir -p "$out"

if [ ! -f "$shared/data/cifar10_test.bin" ] || [ ! -d "$shared/models/cifar10" ]; then
  echo "no sample data at $shared (the CIFAR-10 test set and models): using the ImageNet ResNet-18 from the ONNX Model Zoo"
  "$resvk" models pull resnet18-v1-7
  ffmpeg -v error -f lavfi -i "testsrc2=size=640x480" -frames:v 1 "$out/testsrc2.png"
  "$resvk" classify "$out/testsrc2.png" --model resnet18-v1-7 --labels imagenet --top 3
  echo "your own photos: $resvk classify photo.jpg --model resnet18-v1-7 --labels imagenet"
  exit 0
fi

export RESVK_MODELS="${RESVK_MODELS:-$shared/models/cifar10}"
model=resnet56
count=1000  # the lossless records 0-999 of cifar10_test.bin

echo "== CIFAR-10 test images 0-$((count - 1)) as PNGs, classified by ${model}_cifar10 (file names carry the true label)"
python3 scripts/cifar_samples.py pngs "$shared/data/cifar10_test.bin" "$out/cifar10" "$count"
"$resvk" classify "$out"/cifar10/*.png --model "${model}_cifar10" --no-crop --batch 100 --top 1 --json \
  > "$out/cifar10.json"
python3 scripts/cifar_samples.py score "$out/cifar10.json" "$shared/README.md" "$model"

echo
echo "== a clip of ten of them, one per class (each the first ResNet-56 is sure of, p >= 0.9), 1 s each"
python3 scripts/cifar_samples.py clip "$out/cifar10.json" "$out/clip"
# Nearest-neighbour upscaling keeps the 32x32 pixels as they are, only bigger.
ffmpeg -v error -framerate 1 -i "$out/clip/%02d.png" \
  -vf "scale=384:384:flags=neighbor,fps=24,format=yuv420p" -c:v libx264 -crf 16 "$out/cifar10-clip.mp4"
"$resvk" classify "$out/cifar10-clip.mp4" --model "${model}_cifar10" --no-crop --top 3 --every 24 \
  --output "$out/cifar10-clip-labelled.mp4" "$@"
echo "wrote $out/cifar10-clip-labelled.mp4"
