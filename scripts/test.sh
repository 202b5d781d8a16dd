#!/usr/bin/env bash
# The test command: install, build, run the whole suite (validation layers on),
# then fuzz the model loader and the test-set reader for 60 s each (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
(cd build && ctest --output-on-failure -j 2 "$@")
bash scripts/fuzz.sh "${RESVK_FUZZ_SECONDS:-60}"
