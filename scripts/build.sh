#!/usr/bin/env bash
# Configures and builds Rota (Release, Ninja, ccache) into ./build.
# Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
jobs=$(nproc)
ninja -C build -j "$jobs"
