#!/usr/bin/env bash
# Regions of interest (issue 11 item 4), through the built CLI: a synthetic clip
# whose left and right halves show two different CIFAR-10 test images (records of
# ../shared/data/cifar10_test.bin, lossless), classified with --roi left=... and
# --roi right=... by the CIFAR ResNet-20.
#  - each region gives its own image's label, with the probabilities the same
#    picture gets as a photo (the CPU preprocessing): the region is cropped
#    from the frame on the GPU, not from a CPU copy, so this checks the crop;
#  - JSON carries "region", CSV its column, text names it;
#  - --output and the viewer draw both boxes (their yellow outlines are found in
#    a frame of the output and in a screenshot of the window under Xvfb);
#  - bad input: a region outside the frame, a name used twice, malformed values,
#    a SOURCE that names no source: one clear line each, exit 2, no output file.
# Env: RESVK_BIN, RESVK_SHARED (the test environment sets both). Needs ffmpeg, jq, python3, xvfb-run.
set -euo pipefail
: "${RESVK_BIN:?}" "${RESVK_SHARED:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
model=$RESVK_SHARED/models/cifar10/resnet20_cifar10.onnx
bin=$RESVK_SHARED/data/cifar10_test.bin
resvk() { timeout -k 5 120 "$RESVK_BIN" "$@"; }

# Records 0..7 as 160x160 PNGs (each CIFAR pixel a 5x5 block).
/usr/bin/python3 - "$bin" "$tmp" <<'PY'
import sys
data = open(sys.argv[1], "rb").read(8 * 3073)
for k in range(8):
    rec = data[k * 3073:(k + 1) * 3073]
    r, g, b = rec[1:1025], rec[1025:2049], rec[2049:3073]
    pixels = bytes(c for i in range(1024) for c in (r[i], g[i], b[i]))
    with open(f"{sys.argv[2]}/rec{k}.ppm", "wb") as f:
        f.write(b"P6 32 32 255\n" + pixels)
    with open(f"{sys.argv[2]}/rec{k}.label", "w") as f:
        f.write(str(rec[0]))
PY
for k in 0 1 2 3 4 5 6 7; do
  ffmpeg -v error -nostdin -y -i "$tmp/rec$k.ppm" -vf scale=160:160:flags=neighbor "$tmp/rec$k.png"
done

# Two records of different classes that the model gets right as photos.
resvk classify "$tmp"/rec?.png --model "$model" --no-crop --labels cifar10 --json --top 1 >"$tmp/photos.json"
left="" right=""
for k in 0 1 2 3 4 5 6 7; do
  got=$(jq -r --arg p "$tmp/rec$k.png" '.results[] | select(.image == $p) | .top[0].index' "$tmp/photos.json")
  [ "$got" = "$(cat "$tmp/rec$k.label")" ] || continue
  if [ -z "$left" ]; then
    left=$k
  elif [ "$got" != "$(cat "$tmp/rec$left.label")" ]; then
    right=$k
    break
  fi
done
[ -n "$right" ] || fail "no two correctly classified records of different classes among 0..7"
photo() { jq -c --arg p "$tmp/rec$1.png" '.results[] | select(.image == $p) | .top[0]' "$tmp/photos.json"; }
echo "left: record $left $(photo "$left"), right: record $right $(photo "$right")"

# 320x160, 12 frames, lossless planar RGB.
clip=$tmp/halves.mkv
ffmpeg -v error -nostdin -y -loop 1 -i "$tmp/rec$left.png" -loop 1 -i "$tmp/rec$right.png" \
  -filter_complex hstack -frames:v 12 -r 12 -c:v ffv1 -pix_fmt gbrp "$clip"
rois=(--roi left=0,0,160,160 --roi right=0.5,0,0.5,1) # pixels and fractions

echo "JSON: each region its own label, as the photo"
resvk classify "$clip" --model "$model" --no-crop --labels cifar10 --json --top 1 "${rois[@]}" \
  --output "$tmp/boxes.mp4" >"$tmp/roi.json" 2>"$tmp/roi.err" || fail "classify --roi: $(cat "$tmp/roi.err")"
[ "$(jq -c 'select(.frame != null)' "$tmp/roi.json" | wc -l)" -eq 24 ] || fail "not 2 results per frame for 12 frames"
for side in left right; do
  k=${!side}
  want=$(photo "$k")
  n=$(jq -c --arg r "$side" 'select(.region == $r)' "$tmp/roi.json" | wc -l)
  [ "$n" -eq 12 ] || fail "$side: $n results, not 12"
  bad=$(jq -c --arg r "$side" --argjson w "$want" \
    'select(.region == $r) | select(.top[0].index != $w.index or ((.top[0].prob - $w.prob) | fabs) > 0.01)' \
    "$tmp/roi.json" | head -1)
  [ -z "$bad" ] || fail "$side: $bad differs from the photo's $want"
done
jq -e 'select(.summary != null) | .summary.classified == 12' "$tmp/roi.json" >/dev/null || fail "summary"

echo "CSV and text name the region"
resvk classify "$clip" --model "$model" --no-crop --labels cifar10 --csv --top 1 "${rois[@]}" >"$tmp/roi.csv" 2>/dev/null
[ "$(head -1 "$tmp/roi.csv")" = "source,region,frame,pts,time,latency_ms,rank,label,index,prob" ] || fail "CSV header"
[ "$(grep -c "^$clip,right,0," "$tmp/roi.csv")" -eq 1 ] || fail "CSV: no row for frame 0 of region right"
resvk classify "$clip" --model "$model" --no-crop --labels cifar10 --top 1 "${rois[@]}" >"$tmp/roi.txt" 2>/dev/null
grep -q "^$clip  region left  frame 0 " "$tmp/roi.txt" || fail "text: no line for region left"

echo "--output draws both boxes"
[ -s "$tmp/boxes.mp4" ] || fail "no annotated output"
ffmpeg -v error -nostdin -y -i "$tmp/boxes.mp4" -vf "select=eq(n\,6)" -frames:v 1 "$tmp/frame6.png"
ffmpeg -v error -nostdin -y -i "$tmp/frame6.png" -f rawvideo -pix_fmt rgb24 "$tmp/frame6.rgb"
/usr/bin/python3 - "$tmp/frame6.rgb" <<'PY' || fail "the boxes are not in the annotated frame"
import sys
w, h = 320, 160
px = open(sys.argv[1], "rb").read()
def yellow(x, y):
    r, g, b = px[(y * w + x) * 3:(y * w + x) * 3 + 3]
    return r > 180 and g > 160 and b < 110
# Each box's outline: its bottom edge and its outer side edge are yellow along
# most of their length (the label covers part of the top edge).
checks = {
    "left box, bottom edge": [yellow(x, h - 1) for x in range(10, 150)],
    "left box, left edge": [yellow(0, y) for y in range(40, 150)],
    "right box, bottom edge": [yellow(x, h - 1) for x in range(170, 310)],
    "right box, right edge": [yellow(w - 1, y) for y in range(40, 150)],
}
ok = True
for name, hits in checks.items():
    share = sum(hits) / len(hits)
    print(f"{name}: {share:.0%} yellow")
    ok &= share > 0.8
# ... and the pictures inside are not painted over.
inside = [yellow(x, 100) for x in range(20, 140)] + [yellow(x, 100) for x in range(180, 300)]
print(f"inside: {sum(inside) / len(inside):.0%} yellow")
ok &= sum(inside) / len(inside) < 0.2
sys.exit(0 if ok else 1)
PY

echo "the viewer draws both boxes (Xvfb)"
# 320x160 opens as a 720x360 window, the picture filling it.
xvfb-run -a -s "-screen 0 1280x720x24" timeout -k 5 120 "$RESVK_BIN" view "$clip" --model "$model" --no-crop \
  --labels cifar10 "${rois[@]}" --screenshot-after 8 "$tmp/view.png" >/dev/null 2>"$tmp/view.err" ||
  fail "view --roi: $(cat "$tmp/view.err")"
ffmpeg -v error -nostdin -y -i "$tmp/view.png" -f rawvideo -pix_fmt rgb24 "$tmp/view.rgb"
/usr/bin/python3 - "$tmp/view.rgb" <<'PY' || fail "the boxes are not in the viewer's screenshot"
import sys
w, h = 720, 360
px = open(sys.argv[1], "rb").read()
if len(px) != w * h * 3:
    sys.exit(f"screenshot is not {w}x{h}")
def yellow(x, y):
    r, g, b = px[(y * w + x) * 3:(y * w + x) * 3 + 3]
    return r > 180 and g > 160 and b < 110
checks = {  # the labels sit bottom-left inside each box, the source panel top-left
    "left box, bottom edge": [yellow(x, h - 1) for x in range(200, 340)],
    "left box, left edge": [yellow(0, y) for y in range(80, 300)],
    "right box, bottom edge": [yellow(x, h - 1) for x in range(560, 700)],
    "right box, right edge": [yellow(w - 1, y) for y in range(20, 300)],
    "between the boxes": [yellow(359, y) or yellow(360, y) for y in range(80, 300)],
}
ok = True
for name, hits in checks.items():
    share = sum(hits) / len(hits)
    print(f"{name}: {share:.0%} yellow")
    ok &= share > 0.8
inside = [yellow(x, 200) for x in range(40, 320)] + [yellow(x, 200) for x in range(400, 680)]
print(f"inside: {sum(inside) / len(inside):.0%} yellow")
ok &= sum(inside) / len(inside) < 0.2
sys.exit(0 if ok else 1)
PY

echo "bad --roi values: one clear line, exit 2, no output"
bad() {
  local want=$1
  shift
  local code=0
  resvk classify "$clip" --model "$model" --no-crop --output "$tmp/bad.mp4" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err" ||
    code=$?
  [ "$code" -eq 2 ] || fail "$*: exit $code, not 2 ($(cat "$tmp/bad.err"))"
  [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] || fail "$*: not one line: $(cat "$tmp/bad.err")"
  grep -q "^resvk: error: .*$want" "$tmp/bad.err" || fail "$*: '$(cat "$tmp/bad.err")' does not say '$want'"
  [ ! -s "$tmp/bad.out" ] || fail "$*: wrote results"
  [ -z "$(find "$tmp" -name '*bad.mp4*')" ] || fail "$*: left an output file"
  echo "  $(cat "$tmp/bad.err")"
}
bad "lies outside the 320x160 frame of source 0" --roi big=300,0,100,100
bad "lies outside the 320x160 frame" --roi low=0,100,10,61
bad "region name 'a' is used twice" --roi a=0,0,10,10 --roi a=10,0,10,10
bad "expected \[SOURCE@\]NAME=X,Y,W,H" --roi left
bad "expected" --roi left=0,0,10
bad "mixes fractions and pixels" --roi left=0.5,0,100,100
bad "reaches outside the frame" --roi left=0.6,0,0.5,1
bad "width and height must be positive" --roi left=0,0,0,10
bad "only letters, digits" --roi "my door=0,0,10,10"
bad "'3' is no source" --roi 3@left=0,0,10,10
echo "PASS"
