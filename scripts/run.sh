#!/usr/bin/env bash
# The main job: install, build, then show resvk giving answers a person can check
# (scripts/main_job.sh says what it runs). Arguments go to its video run (e.g. --device 1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
bash scripts/main_job.sh "$@"
