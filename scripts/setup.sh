#!/usr/bin/env bash
# Installs the Debian 12 packages Rota builds and tests with. Idempotent:
# skips apt entirely when everything is already installed. Run as root (or
# with sudo available).
#
# Usage: scripts/setup.sh [--clang]
#   --clang  also clang and its sanitizer and libFuzzer runtimes (the
#            sanitizer build of scripts/test.sh --sanitize and scripts/fuzz.sh)
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libabsl-dev librocksdb-dev libssl-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev liblemon-dev libjemalloc-dev
  python3 python3-grpcio python3-protobuf
  # The printable round report: PDF printing (rotactl round report --pdf)
  # and the rendering check of tests/html_report_e2e_test (PNG via zlib);
  # a CJK font so the Chinese renders.
  chromium fonts-wqy-microhei zlib1g-dev
)
if [ "${1:-}" = "--clang" ]; then
  # clang 14 is Debian 12's; libclang-rt-14-dev holds libFuzzer and the
  # sanitizer runtimes (-fsanitize=fuzzer,address,undefined).
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
