#!/usr/bin/env bash
# Live sources that come back (issue 11 item 2), through the built CLI with real
# streams: an ffmpeg process sends MPEG-TS over UDP to 127.0.0.1, is killed and
# started again.
#  1. --reconnect on: resvk reopens the stream, counts 1 reconnect, classifies
#     frames after the gap; a file played alongside keeps flowing during the gap
#     and is never reopened (each of its frames exactly once); when the stream
#     stays away past the window the source ends with a warning.
#  2. --reconnect 0: the source ends at the first loss, as before.
#  3. Ctrl-C while the source waits to reconnect stops resvk promptly.
# Env: RESVK_BIN, RESVK_SHARED (the test environment sets both). Needs ffmpeg, jq.
set -euo pipefail
: "${RESVK_BIN:?}" "${RESVK_SHARED:?}"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in "$tmp"/*.err; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
  exit 1
}
now() { date +%s.%N; }
plus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'; }
after() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; } # $1 > $2
model=$RESVK_SHARED/models/cifar10/resnet20_cifar10.onnx
[ -f "$model" ] || fail "no $model"
free_udp_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A 320x240 MPEG-2 stream over UDP until killed; sets $sender.
start_sender() {
  ffmpeg -v error -nostdin -re -f lavfi -i testsrc2=size=320x240:rate=25 -t 60 -c:v mpeg2video -g 5 \
    -f mpegts "$1?pkt_size=1316" >/dev/null 2>&1 &
  sender=$!
  pids+=("$sender")
}
stop_sender() {
  kill -9 "$sender" 2>/dev/null || true
  wait "$sender" 2>/dev/null || true
}
# Starts resvk in the background (stdout to $1.out, stderr to $1.err); sets $resvk.
start_resvk() {
  local name=$1
  shift
  RESVK_BIN_ARGS=("$@")
  "$RESVK_BIN" classify "${RESVK_BIN_ARGS[@]}" --model "$model" --no-crop --json >"$tmp/$name.out" 2>"$tmp/$name.err" &
  resvk=$!
  pids+=("$resvk")
}
# Waits up to $3 seconds until $1.out has at least $2 frames matching jq filter $4.
wait_frames() {
  local file=$tmp/$1.out want=$2 limit=$3 filter=$4 end
  end=$(plus "$(now)" "$limit")
  while :; do
    local n # (the last line may be half written: jq stops there)
    n=$( (jq -c "select(.frame != null) | select($filter)" "$file" 2>/dev/null || true) | wc -l)
    [ "$n" -ge "$want" ] && return 0
    after "$(now)" "$end" && fail "$1: only $n frames matching '$filter' after $limit s"
    sleep 0.1
  done
}
# Waits up to $2 seconds for resvk to exit; sets $code.
wait_exit() {
  local end
  end=$(plus "$(now)" "$2")
  while kill -0 "$resvk" 2>/dev/null; do
    after "$(now)" "$end" && fail "$1: resvk still running after $2 s"
    sleep 0.05
  done
  code=0
  wait "$resvk" || code=$?
}
summary() { jq -c 'select(.summary != null) | .summary' "$tmp/$1.out"; }

# A 7 s clip at 10 fps: played in real time beside the stream, across the gap.
clip=$tmp/clip.mp4
ffmpeg -v error -nostdin -y -f lavfi -i testsrc2=size=64x48:rate=10 -t 7 -c:v libx264 -preset veryfast \
  -pix_fmt yuv420p "$clip"

echo "1. the stream stops and comes back"
url=udp://127.0.0.1:$(free_udp_port)
start_sender "$url"
start_resvk back "$url" "$clip" --realtime --timeout 1 --reconnect 3
wait_frames back 3 60 ".source == \"$url\""
stop_sender
lost=$(now)
sleep 2.5
back=$(now)
start_sender "$url"
wait_frames back 5 15 ".source == \"$url\" and .time > $back"
stop_sender # for good: after --timeout 1 and the 3 s window the source ends
wait_exit back 20
[ "$code" -eq 0 ] || fail "back: exit $code"
s=$(summary back)
echo "summary: $s"
[ "$(jq -r --arg u "$url" '.sources[] | select(.source == $u) | .reconnects' <<<"$s")" = 1 ] ||
  fail "back: the stream's reconnect count is not 1"
[ "$(jq -r --arg c "$clip" '.sources[] | select(.source == $c) | .reconnects' <<<"$s")" = 0 ] ||
  fail "back: the file was reopened"
[ "$(jq -r '.reconnects' <<<"$s")" = 1 ] || fail "back: the total reconnect count is not 1"
during=$(jq -c --arg c "$clip" "select(.source == \$c and .time > $lost + 1.2 and .time < $back)" "$tmp/back.out" | wc -l)
echo "file frames classified while the stream was away: $during"
[ "$during" -ge 5 ] || fail "back: the file stalled while the stream was away ($during frames)"
frames=$(jq -r --arg c "$clip" 'select(.source == $c) | .frame' "$tmp/back.out" | sort -n | uniq)
[ "$(wc -l <<<"$frames")" -eq 70 ] && [ "$(head -1 <<<"$frames")" = 0 ] && [ "$(tail -1 <<<"$frames")" = 69 ] ||
  fail "back: the file's frames are not 0..69"
[ "$(jq -r --arg c "$clip" 'select(.source == $c) | .frame' "$tmp/back.out" | wc -l)" -eq 70 ] ||
  fail "back: a file frame came twice (the file was reopened)"
grep -q "reconnected 1 time" "$tmp/back.err" || fail "back: no reconnect line on stderr"
grep -q "resvk: warning: $url: stream lost: no data for 1 s; not back after 3 s" "$tmp/back.err" ||
  fail "back: no warning that the stream stayed away"

echo "2. --reconnect 0 ends the source at the first loss"
url=udp://127.0.0.1:$(free_udp_port)
start_sender "$url"
start_resvk off "$url" --timeout 1 --reconnect 0
wait_frames off 3 60 "true"
stop_sender
gone=$(now)
sleep 2
start_sender "$url" # back after 2 s: too late, the source gave up after 1 s without data
wait_exit off 6
stop_sender
[ "$code" -eq 0 ] || fail "off: exit $code"
grep -q "resvk: warning: $url: stream lost: no data for 1 s$" "$tmp/off.err" || fail "off: no stream lost warning"
[ "$(summary off | jq -r '.reconnects')" = 0 ] || fail "off: a reconnect was counted"
echo "exit $(plus "$(now)" "-$gone") s after the loss"

echo "3. Ctrl-C while waiting to reconnect"
url=udp://127.0.0.1:$(free_udp_port)
start_sender "$url"
start_resvk stop "$url" --timeout 1 --reconnect 30
wait_frames stop 3 60 "true"
stop_sender
sleep 2.5 # lost after 1 s, then retrying
asked=$(now)
kill -INT "$resvk"
wait_exit stop 2
echo "stopped $(plus "$(now)" "-$asked") s after SIGINT"
[ "$code" -eq 130 ] || fail "stop: exit $code, not 130"
[ "$(summary stop | jq -r '.reconnects')" = 0 ] || fail "stop: a reconnect was counted"
echo "PASS"
