#!/usr/bin/env bash
# Configures and builds Rota (Release, Ninja, ccache) into ./build.
# Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."
# Relative paths in ccache's hash, so clones in other directories share the cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
jobs=$(nproc)
ninja -C build -j "$jobs"
