#!/usr/bin/env bash
# resvk-throughput-probe (bench/throughput_probe.cpp): one line with the slow share
# for a short run; a usage line and exit 2 for a duration that is not a positive number.
set -u
PROBE=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
out=$("$PROBE" 0.3) || fail "a 0.3 s probe exited $?"
[[ $out =~ ^[0-9]+\ %\ of\ [0-9]+\ samples\ slow.*over\ 0.3\ s$ ]] || fail "unexpected line: $out"
for bad in 0 -1 abc "1 2"; do
    # shellcheck disable=SC2086  # "1 2" is meant as two arguments
    err=$("$PROBE" $bad 2>&1 >/dev/null); rc=$?
    [ $rc = 2 ] || fail "'$bad': exit $rc, want 2"
    [[ $err == usage:* ]] || fail "'$bad': no usage line: $err"
done
echo "throughput probe: ok"
