#!/usr/bin/env bash
# The main job (scripts/main_job.sh, what scripts/run.sh runs) prints the accuracy the
# CIFAR accuracy test requires (ResNet-56: 926 of the lossless records 0-999, PyTorch's
# 92.60 %), and its clip is labelled with the class on screen each second.
# Env: RESVK_BIN, RESVK_SHARED (the test environment sets both).
set -euo pipefail
source_dir=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
log=$(RESVK_MAIN_JOB_OUT=$tmp/out bash "$source_dir/scripts/main_job.sh" 2>&1) || fail "main job failed: $log"
echo "$log"
grep -qxF "resnet56 top-1 on CIFAR-10 test records 0-999: 926/1000 = 92.60 % (PyTorch: 92.60 %)" <<<"$log" ||
  fail "accuracy line differs from the CIFAR accuracy test's 926/1000"
second=0
for class in airplane automobile bird cat deer dog frog horse ship truck; do
  grep -qE "frame $((second * 24)) +$second\.000s +[0-9.]+ $class " <<<"$log" ||
    fail "the clip at $second s is not labelled $class first"
  second=$((second + 1))
done
[ -s "$tmp/out/cifar10-clip-labelled.mp4" ] || fail "no labelled clip"
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 \
  "$tmp/out/cifar10-clip-labelled.mp4")
[ "$frames" -eq 240 ] || fail "the labelled clip has $frames frames, not 240"
