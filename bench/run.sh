#!/usr/bin/env bash
# One command for resvk's benchmark numbers (see bench/README.md): builds with
# scripts/build.sh, then in one run measures
#   1. inference: ResNet-18/50 at batch 1 and 8, resvk (`bench --model`) next to
#      PyTorch CPU (bench/pytorch_baseline.py) and ONNX Runtime CPU
#      (bench/ort_baseline.js on the same ONNX files), same machine, same run;
#   2. pipeline: 1 and 4 concurrent 720p sources (`bench --source`) against
#      inference alone on the same batch.
# Prints tables only; copy the numbers into bench/README.md by hand.
#
# Options (all optional):
#   --no-build         skip scripts/build.sh
#   --resvk PATH       the resvk binary to run (default: build/resvk; implies nothing else)
#   --iters N          timed runs at batch 1 (default 5)
#   --iters-large N    timed runs at batch 8 (default 3)
#   --frames N         pipeline: timed frames per source (default 48), in segments of 4
#                      with 2 inference-alone runs before, between and after them
#   --only WHAT        inference | pipeline (default: both)
#   --no-ort           skip the ONNX Runtime column
#   --before PATH      also run another resvk binary (a build of an earlier commit)
#                      right after resvk on every row: "before" columns and after/before
#   --rounds N         run every row N times, engines interleaved (default 1): inference
#                      pools each engine's timed runs, the pipeline reports the median of
#                      the N overheads. These VMs change speed by up to 2x within minutes;
#                      interleaved rounds let that drift hit every engine alike instead of
#                      whichever ran during a slow spell.
# Before and after the runs, resvk-throughput-probe (bench/throughput_probe.cpp, built
# beside resvk) says for 3 s per core how much of the time the core ran store-bound
# code at reduced speed: these VMs' slow spells, which resvk's times follow and ONNX
# Runtime's barely do (bench/README.md).
# ONNX Runtime 1.20.1 (npm onnxruntime-node) is installed on first use into
# ${RESVK_BENCH_CACHE:-~/.cache/resvk-bench}/ort with `npm install --ignore-scripts`:
# a baseline only, never a dependency of resvk.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${RESVK_SHARED:-$ROOT/../shared}
RESVK=$ROOT/build/resvk
BUILD=1 ITERS=5 ITERS_LARGE=3 FRAMES=48 ONLY=all ORT=1 BEFORE= ROUNDS=1
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) BUILD=0 ;;
        --resvk) RESVK=$(realpath "$2"); shift ;;
        --iters) ITERS=$2; shift ;;
        --iters-large) ITERS_LARGE=$2; shift ;;
        --frames) FRAMES=$2; shift ;;
        --only) ONLY=$2; shift ;;
        --no-ort) ORT=0 ;;
        --before) BEFORE=$(realpath "$2"); shift ;;
        --rounds) ROUNDS=$2; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
PY=/usr/bin/python3  # Debian's python (python3-torch), not a pyenv python on PATH
[ -x "$PY" ] || { echo "bench/run.sh: $PY is needed (apt install python3)" >&2; exit 1; }

R18=$SHARED/models/reference/torchvision_resnet18/model.onnx
R50=$SHARED/models/reference/torchvision_resnet50/model.onnx
for f in "$R18" "$R50"; do [ -f "$f" ] || { echo "bench/run.sh: missing $f" >&2; exit 1; }; done

if [ "$BUILD" = 1 ]; then
    echo "== building (scripts/build.sh)" >&2
    scripts/build.sh >&2
fi
[ -x "$RESVK" ] || { echo "bench/run.sh: no resvk binary at $RESVK" >&2; exit 1; }
case "$ROUNDS" in ''|*[!0-9]*|0) echo "bench/run.sh: --rounds: '$ROUNDS' is not a count (1 or more)" >&2; exit 2 ;; esac
[ -z "$BEFORE" ] || [ -x "$BEFORE" ] || { echo "bench/run.sh: --before: no resvk binary at $BEFORE" >&2; exit 1; }

TORCH=1
if ! "$PY" -c 'import torch' 2>/dev/null; then
    TORCH=0
    echo "bench/run.sh: PyTorch not found for $PY: the PyTorch column is skipped." >&2
    echo "             Install it with: sudo apt install python3-torch" >&2
fi

ORT_DIR=${RESVK_BENCH_CACHE:-$HOME/.cache/resvk-bench}/ort
if [ "$ORT" = 1 ] && [ "$ONLY" != pipeline ]; then
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        ORT=0
        echo "bench/run.sh: node/npm not found: the ONNX Runtime column is skipped (apt install nodejs npm)." >&2
    elif [ ! -d "$ORT_DIR/node_modules/onnxruntime-node" ]; then
        echo "== installing onnxruntime-node@1.20.1 into $ORT_DIR (baseline only)" >&2
        mkdir -p "$ORT_DIR"
        if ! (cd "$ORT_DIR" && npm install --ignore-scripts --no-audit --no-fund onnxruntime-node@1.20.1 >&2); then
            ORT=0
            echo "bench/run.sh: npm install failed: the ONNX Runtime column is skipped." >&2
        fi
    fi
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
RESULTS=$WORK/results.jsonl

echo "== machine" >&2
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
    echo "os: $(. /etc/os-release; echo "$PRETTY_NAME")"
    echo "resvk: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+dirty')"
    echo "devices:"; "$RESVK" devices | sed 's/^/  /'
    [ -n "$BEFORE" ] && echo "before: $BEFORE ($("$BEFORE" --version 2>/dev/null | head -1))"
    [ "$TORCH" = 1 ] && echo "torch: $("$PY" -c 'import torch; print(torch.__version__)')"
    [ "$ORT" = 1 ] && echo "onnxruntime: 1.20.1 (npm onnxruntime-node, CPU, 2 intra-op threads), node $(node --version)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$WORK/machine.txt"

# how steady each core is now (bench/throughput_probe.cpp), if the probe was built
PROBE=$(dirname "$RESVK")/resvk-throughput-probe
probe_cores() {
    if [ ! -x "$PROBE" ]; then echo "throughput probe: not built ($PROBE)"; return; fi
    for core in $(seq 0 $(($(nproc) - 1))); do echo "core $core: $(taskset -c "$core" "$PROBE" 3)"; done
}
echo "== probing the cores ($(nproc) x 3 s)" >&2
{ echo "at start:"; probe_cores | sed 's/^/  /'; } | tee -a "$WORK/machine.txt"

# tag a JSON line from stdin with extra fields and append it to RESULTS
record() { "$PY" -c 'import json,sys; extra=json.loads(sys.argv[1])
for line in sys.stdin:
    line=line.strip()
    if line.startswith("{"):
        d=json.loads(line); d.update(extra); print(json.dumps(d))' "$1" >>"$RESULTS"; }

if [ "$ONLY" != pipeline ]; then
    for round in $(seq "$ROUNDS"); do
        for name in resnet18 resnet50; do
            model=$R18; [ $name = resnet50 ] && model=$R50
            for batch in 1 8; do
                iters=$ITERS; [ "$batch" -gt 1 ] && iters=$ITERS_LARGE
                # resvk and PyTorch back to back, so drift in machine load hits both alike
                echo "== inference $name batch $batch: resvk ($iters runs, round $round of $ROUNDS)" >&2
                "$RESVK" bench --model "$model" --batch "$batch" --iters "$iters" --warmup 1 --json \
                    | record "{\"kind\":\"inference\",\"engine\":\"resvk\",\"net\":\"$name\"}"
                if [ -n "$BEFORE" ]; then
                    echo "== inference $name batch $batch: resvk before ($iters runs)" >&2
                    "$BEFORE" bench --model "$model" --batch "$batch" --iters "$iters" --warmup 1 --json \
                        | record "{\"kind\":\"inference\",\"engine\":\"resvk_before\",\"net\":\"$name\"}"
                fi
                if [ "$TORCH" = 1 ]; then
                    echo "== inference $name batch $batch: PyTorch ($iters runs)" >&2
                    "$PY" bench/pytorch_baseline.py --model $name --batch "$batch" --iters "$iters" --warmup 1 \
                        | record "{\"kind\":\"inference\",\"net\":\"$name\"}"
                fi
                if [ "$ORT" = 1 ]; then
                    echo "== inference $name batch $batch: ONNX Runtime ($iters runs)" >&2
                    NODE_PATH=$ORT_DIR/node_modules node bench/ort_baseline.js --model "$model" --net $name \
                        --batch "$batch" --iters "$iters" --warmup 1 --threads 2 \
                        | record "{\"kind\":\"inference\"}"
                fi
            done
        done
    done
fi

if [ "$ONLY" != inference ]; then
    command -v ffmpeg >/dev/null || { echo "bench/run.sh: ffmpeg is needed for the pipeline clips" >&2; exit 1; }
    CLIP=$WORK/clip720.mp4
    echo "== making a 10 s 1280x720 30 fps H.264 clip" >&2
    ffmpeg -nostdin -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 -t 10 -c:v libx264 -pix_fmt yuv420p "$CLIP"
    # Two inference-alone runs per group: bench --source's default --segments,
    # min(--frames / 4, --iters - 1), is then one segment per 4 frames.
    PIPE_ITERS=$((2 * ((FRAMES / 4 > 0 ? FRAMES / 4 : 1) + 1)))
    for round in $(seq "$ROUNDS"); do
        for name in resnet18 resnet50; do
            model=$R18; [ $name = resnet50 ] && model=$R50
            for n in 1 4; do
                srcs=(); for _ in $(seq "$n"); do srcs+=("$CLIP"); done
                echo "== pipeline $name, $n source(s), $FRAMES frames per source (round $round of $ROUNDS)" >&2
                "$RESVK" bench --source "${srcs[@]}" --model "$model" --frames "$FRAMES" --iters "$PIPE_ITERS" --warmup 1 --json \
                    | record "{\"kind\":\"pipeline\",\"engine\":\"resvk\",\"net\":\"$name\"}"
                if [ -n "$BEFORE" ]; then
                    echo "== pipeline $name, $n source(s): resvk before" >&2
                    "$BEFORE" bench --source "${srcs[@]}" --model "$model" --frames "$FRAMES" --iters "$PIPE_ITERS" --warmup 1 \
                        --json | record "{\"kind\":\"pipeline\",\"engine\":\"resvk_before\",\"net\":\"$name\"}"
                fi
            done
        done
    done
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/machine.txt"
{ echo "at end:"; probe_cores | sed 's/^/  /'; } | tee -a "$WORK/machine.txt"
echo
"$PY" bench/report.py "$RESULTS"
