#!/usr/bin/env bash
# Viewer cost: the same source classified by `resvk classify` (no window) and
# shown by `resvk view --fast` (window + overlay, on Xvfb when there is no
# display), in one run. Prints wall time per frame of each and the ratio.
# The issue's budget: the window costs inference throughput at most 5 %.
#   bench/viewer.sh [MODEL.onnx] [SOURCE] [FRAMES]
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${RESVK_SHARED:-$PWD/../shared}
MODEL=${1:-$SHARED/models/cifar10/resnet20_cifar10.onnx}
FRAMES=${3:-300}
SOURCE=${2:-lavfi:testsrc2=size=640x360:rate=30:duration=$((FRAMES / 30))}
RESVK=${RESVK:-$PWD/build/resvk}
EXTRA=()
[[ "$MODEL" == *cifar* ]] && EXTRA=(--no-crop)

xvfb_pid=""
if [ -z "${DISPLAY:-}" ]; then
    export DISPLAY=:$((90 + RANDOM % 100))
    Xvfb "$DISPLAY" -screen 0 1280x800x24 >/dev/null 2>&1 &
    xvfb_pid=$!
    trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
    sleep 1
fi

seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); awk "BEGIN {print $e - $s}"; }
for round in 1 2; do
    c=$(seconds "$RESVK" classify "$SOURCE" --model "$MODEL" "${EXTRA[@]}" --batch 1 --json)
    v=$(seconds "$RESVK" view "$SOURCE" --model "$MODEL" "${EXTRA[@]}" --fast --no-vsync --stats --exit-at-end ${VIEW_ARGS:-})
    awk -v r="$round" -v c="$c" -v v="$v" -v n="$FRAMES" 'BEGIN {
        printf "round %d: classify %.2f s (%.1f ms/frame), view %.2f s (%.1f ms/frame), view/classify %.3f\n",
               r, c, 1000 * c / n, v, 1000 * v / n, v / c }'
done
