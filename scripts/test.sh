#!/usr/bin/env bash
# The test command: install, build, run the whole suite (validation layers on).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j 2 "$@"
