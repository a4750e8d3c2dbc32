#!/usr/bin/env bash
# Checks xgrad's installed CMake package the way a user meets it: installs a build into a
# temporary prefix, checks that nothing installed names the source or build tree, then
# configures, builds and runs the standalone project examples/consumer against that prefix
# (find_package(xgrad) + xgrad::xgrad, nothing else) and checks it used this prefix.
#
#   scripts/check-package.sh [BUILD_DIR]    (default: build; must be built already)
#
# Run by CI (.ci/run) and by CTest (Package.consumer). Exit status non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$PWD
build_dir=$(cd "${1:-build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/xgrad-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
echo "package: installed $build_dir into $prefix ($(find "$prefix" -type f | wc -l) files)"

# The installed interface (CMake files, headers) must not point back into the checkout.
# (libxgrad_datasets.a does hold the data checkout on purpose: see XGRAD_DATA_CHECKOUT.)
if grep -rIlF -e "$source_dir" -e "$build_dir" "$prefix/include" "$prefix/lib/cmake"; then
  echo "package: FAIL: the installed files above name the source or build tree" >&2
  exit 1
fi

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
consumer=$work/consumer
cmake -S examples/consumer -B "$consumer" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON >/dev/null
found=$(sed -n 's/^xgrad_DIR:PATH=//p' "$consumer/CMakeCache.txt")
if [[ $found != "$prefix/lib/cmake/xgrad" ]]; then
  echo "package: FAIL: the consumer found xgrad in '$found', not in $prefix" >&2
  exit 1
fi
cmake --build "$consumer"
"$consumer/xgrad-consumer-demo"
echo "package: OK"
