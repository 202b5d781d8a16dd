#!/usr/bin/env bash
# Viewer cost: the same source classified by `resvk classify` (no window) and
# shown by `resvk view --fast` (window + overlay, on Xvfb when there is no
# display), alternating, ROUNDS times. Each command reports its own inference
# steady rate over its pipeline run (the same code measures both); prints each
# round, then the median of view/classify and the cost, 1 - that. The issue's budget:
# the window costs inference throughput at most 5 %.
#   bench/viewer.sh [MODEL.onnx] [SOURCE] [FRAMES] [ROUNDS]
#   VIEW_ARGS="--display-budget 100" bench/viewer.sh    (extra view options)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${RESVK_SHARED:-$PWD/../shared}
MODEL=${1:-$SHARED/models/cifar10/resnet20_cifar10.onnx}
FRAMES=${3:-600}
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

# The "N.N fps" of a command's summary line (stderr): classify's, or view's "inference N.N fps".
fps() { "$@" 2>&1 >/dev/null | sed -n 's/.*damaged; \([0-9.]*\) fps;.*/\1/p; s/.*inference \([0-9.]*\) fps, window \([0-9.]*\) fps.*/\1 \2/p' | tail -1; }
results=$(mktemp)
classify() { fps "$RESVK" classify "$SOURCE" --model "$MODEL" "${EXTRA[@]}" --batch 1; }
# shellcheck disable=SC2086
view() { fps "$RESVK" view "$SOURCE" --model "$MODEL" "${EXTRA[@]}" --fast --no-vsync --exit-at-end ${VIEW_ARGS:-}; }
for round in $(seq "$ROUNDS"); do
    # Alternate which goes first: the machine's speed drifts (turbo, neighbours).
    if ((round % 2)); then
        c=$(classify)
        read -r v w < <(view)
    else
        read -r v w < <(view)
        c=$(classify)
    fi
    echo "$c $v $w" >>"$results"
    awk -v r="$round" -v c="$c" -v v="$v" -v w="$w" 'BEGIN {
        printf "round %d: classify %.1f fps, view %.1f fps (window %.1f fps), view/classify %.3f\n", r, c, v, w, v / c }'
done
# The median of the paired ratios (each round's view/classify) resists the
# machine's drift better than a ratio of medians.
median() { sort -n | awk '{ x[NR] = $1 } END { print x[int((NR + 1) / 2)] }'; }
ratio=$(awk '{ print $2 / $1 }' "$results" | median)
awk -v r="$ratio" -v c="$(cut -d' ' -f1 "$results" | median)" -v w="$(cut -d' ' -f3 "$results" | median)" 'BEGIN {
    printf "median: classify %.1f fps, view/classify %.3f with the window at %.1f fps: the window costs %.1f %% of inference throughput\n",
           c, r, w, 100 * (1 - r) }'
rm -f "$results"
