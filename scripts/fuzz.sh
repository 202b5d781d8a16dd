#!/usr/bin/env bash
# Fuzzes the model loader and the test-set reader with libFuzzer: builds
# tests/fuzz (clang, ASan + UBSan, only pipeline/model/) into build-fuzz/ and
# runs each target for SECONDS (default 60) from a seed corpus of real models
# and tensors (../shared and libonnx-testdata, linked by path, never copied).
# Exits non-zero on any finding: a crash, sanitizer report, leak, timeout or
# memory past the RSS limit, saved under build-fuzz/findings/<target>/ (turn it
# into a regression test in tests/unit/model_hostile_test.cpp).
# Longer local runs: bash scripts/fuzz.sh 3600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shared=$(realpath "${RESVK_SHARED:-../shared}")
testdata=/usr/share/libonnx-testdata/data/node

cmake -S tests/fuzz -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)"

seeds=build-fuzz/seeds
rm -rf "$seeds"
mkdir -p "$seeds/fuzz_model_loader" "$seeds/fuzz_tensor_file"
ln -s "$shared/models/reference/cifar_resnet20/model.onnx" "$seeds/fuzz_model_loader/cifar_resnet20.onnx"
for f in "$shared"/models/reference/cifar_resnet20/test_data_set_0/*.pb; do
  ln -s "$f" "$seeds/fuzz_tensor_file/cifar_resnet20_$(basename "$f")"
done
# small one-op models of the ops resvk folds and lowers
for d in "$testdata"/test_{conv,maxpool,averagepool,pad,constant_pad,slice,gather,constantofshape,range,expand,reshape,concat,transpose,reduce_sum,where,cast,unsqueeze,flatten,gemm,batchnorm,identity_opt,optional}*; do
  [ -f "$d/model.onnx" ] || continue
  ln -s "$d/model.onnx" "$seeds/fuzz_model_loader/$(basename "$d").onnx"
  for f in "$d"/test_data_set_0/*.pb; do
    [ -f "$f" ] && ln -s "$f" "$seeds/fuzz_tensor_file/$(basename "$d")_$(basename "$f")"
  done
done

status=0
for target in fuzz_model_loader fuzz_tensor_file; do
  corpus=build-fuzz/corpus/$target
  findings=build-fuzz/findings/$target
  mkdir -p "$corpus" "$findings"
  log=build-fuzz/$target.log
  # op and attribute names let byte mutations reach the folding and lowering code
  dict=()
  [ "$target" = fuzz_model_loader ] && dict=(-dict=tests/fuzz/onnx.dict)
  echo "fuzzing $target for ${seconds}s ($(ls "$seeds/$target" | wc -l) seeds)"
  # the corpus folder comes first: libFuzzer adds what it finds interesting there
  if ! TMPDIR=$(realpath build-fuzz) "./build-fuzz/$target" -max_total_time="$seconds" -timeout=30 \
      -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$findings/" "${dict[@]}" "$corpus" "$seeds/$target" \
      >"$log" 2>&1; then
    status=1
    echo "FINDING in $target (log: $log):"
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -20
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE" "$log" | sed "s/^/  $target: /"
done
exit $status
