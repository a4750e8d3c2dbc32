#!/usr/bin/env bash
# Runs a test command that needs the real MNIST files, when they are there: in $XGRAD_DATA,
# else in DATA_DIR (the checkout's data/mnist/, which scripts/setup.sh fills).
#   needs_mnist.sh DATA_DIR CMD...
# Without them it exits 77 (CTest's skip) on a developer's machine, but 1 in CI (CI=true),
# where the data is fetched first and a missing file is a bug.
set -uo pipefail
data=${XGRAD_DATA:-$1}
shift
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte \
            t10k-labels-idx1-ubyte; do
  if [[ ! -f $data/$name && ! -f $data/$name.gz ]]; then
    why="no $name (or .gz) in $data: run scripts/get-mnist, or set XGRAD_DATA"
    if [[ ${CI:-} == true ]]; then
      echo "FAIL: $why (CI=true: tests that need the data must run)"
      exit 1
    fi
    echo "skipped: $why"
    exit 77
  fi
done
exec "$@"
