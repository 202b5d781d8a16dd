#!/usr/bin/env bash
# Viewer cost: what the window (drawing + overlay, on Xvfb when there is no
# display) costs inference throughput. Each round runs `resvk view --fast
# --cost-phases 100`, which alternates 100 classified frames without drawing and
# 100 drawing as usual in the same run and compares their time per frame (the
# machine's speed drifts too much between runs to see a few percent), and
# `resvk classify` on the same source for reference. Prints each round, then
# medians. The issue's budget: the window costs at most 5 %.
#   bench/viewer.sh [MODEL.onnx] [SOURCE] [FRAMES] [ROUNDS]
#   VIEW_ARGS="--size 1280x720" bench/viewer.sh    (extra view options)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${RESVK_SHARED:-$PWD/../shared}
MODEL=${1:-$SHARED/models/cifar10/resnet20_cifar10.onnx}
FRAMES=${3:-900}
ROUNDS=${4:-5}
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

results=$(mktemp)
for round in $(seq "$ROUNDS"); do
    c=$("$RESVK" classify "$SOURCE" --model "$MODEL" "${EXTRA[@]}" --batch 1 2>&1 >/dev/null |
        sed -n 's/.*damaged; \([0-9.]*\) fps;.*/\1/p')
    # shellcheck disable=SC2086
    line=$("$RESVK" view "$SOURCE" --model "$MODEL" "${EXTRA[@]}" --fast --no-vsync --exit-at-end \
        --cost-phases 100 ${VIEW_ARGS:-} 2>&1 >/dev/null | grep '^window cost:')
    # "window cost: A ms per frame without drawing, B ms with the window at W fps (...): C % of ..."
    read -r without with shown cost < <(echo "$line" |
        sed 's/.*cost: \([0-9.]*\) ms.*, \([0-9.]*\) ms with the window at \([0-9.]*\) fps.*: \([-0-9.]*\) %.*/\1 \2 \3 \4/')
    echo "$c $without $with $shown $cost" >>"$results"
    echo "round $round: classify $c fps; view: $without ms/frame not drawing, $with ms/frame drawing" \
        "(window $shown fps): the window costs $cost %"
done
median() { sort -n | awk '{ x[NR] = $1 } END { print x[int((NR + 1) / 2)] }'; }
col() { cut -d' ' -f"$1" "$results" | median; }
echo "median: classify $(col 1) fps; view $(col 2) ms/frame not drawing, $(col 3) ms/frame drawing" \
    "(window $(col 4) fps): the window costs $(col 5) % of inference throughput"
rm -f "$results"
