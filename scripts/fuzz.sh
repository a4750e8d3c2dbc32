#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in their own build directory and runs each
# in turn on one core, failing on the first crash, sanitizer report or broken invariant.
#
#   scripts/fuzz.sh                        each target for 30 s (what CI runs)
#   scripts/fuzz.sh -runs=1000000          each target for a million executions
#
# Arguments are passed to every target (libFuzzer flags). New corpus entries go to
# <build>/corpus/<target>/ (the checked-in seeds in fuzz/corpus/<target>/ are only read);
# fuzz/<target>.dict, where present, is the target's dictionary of tokens; a failing input is
# saved in <build>/artifacts/<target>/ and its log in
# <build>/fuzz-<target>.log. Environment: XGRAD_FUZZ_BUILD_DIR (default build-fuzz),
# XGRAD_FUZZ_CXX (default clang++-14), XGRAD_FUZZ_TARGETS (default "idx model network2").
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${XGRAD_FUZZ_BUILD_DIR:-build-fuzz}
read -r -a targets <<<"${XGRAD_FUZZ_TARGETS:-idx model network2}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="${XGRAD_FUZZ_CXX:-clang++-14}" -DXGRAD_FUZZ=ON \
  -DXGRAD_BUILD_TESTS=OFF -DXGRAD_BUILD_EXAMPLES=OFF -DXGRAD_BUILD_BENCHMARKS=OFF >/dev/null
# Only the fuzz targets and the libraries they link.
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]/#/xgrad-fuzz-}"

args=("$@")
((${#args[@]})) || args=(-max_total_time=30)
for target in "${targets[@]}"; do
  corpus="$build_dir/corpus/$target"
  artifacts="$build_dir/artifacts/$target/"
  log="$build_dir/fuzz-$target.log"
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [[ -f fuzz/$target.dict ]] && dict=(-dict="fuzz/$target.dict")
  echo "== fuzz $target ${args[*]}"
  if ! "$build_dir/bin/xgrad-fuzz-$target" -timeout=10 -print_final_stats=1 "${dict[@]}" \
      -artifact_prefix="$artifacts" "${args[@]}" "$corpus" "fuzz/corpus/$target" 2>"$log"; then
    tail -n 80 "$log"
    echo "fuzz: $target FAILED; the input is in $artifacts, the log in $log" >&2
    exit 1
  fi
  grep -E "^(Done |stat::number_of_executed_units|stat::peak_rss_mb)" "$log"
done
