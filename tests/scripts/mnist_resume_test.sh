#!/usr/bin/env bash
# xgrad-mnist --checkpoint / --resume: a run stopped after 2 of 4 epochs and resumed saves
# the same network, byte for byte, as the uninterrupted run (dropout, momentum and weight
# decay carry state across epochs), and reports the same best epoch.
#   mnist_resume_test.sh <xgrad-mnist>
set -euo pipefail
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
flags=(--quiet --threads 1 --dropout 0.2 --momentum 0.5 --train-size 3000 --eval-size 1000 --seed 7)
"$bin" "${flags[@]}" --epochs 4 --save "$dir/full.json" > "$dir/full.out"
"$bin" "${flags[@]}" --epochs 2 --checkpoint "$dir/ck.json" > /dev/null
"$bin" "${flags[@]}" --epochs 4 --resume "$dir/ck.json" --save "$dir/resumed.json" > "$dir/resumed.out"
cmp "$dir/full.json" "$dir/resumed.json"
[[ $(tail -n 1 "$dir/full.out") == "$(tail -n 1 "$dir/resumed.out")" ]]
grep -q "resuming $dir/ck.json at epoch 2" "$dir/resumed.out"
# The saved network evaluates to the same accuracy when loaded again.
"$bin" --quiet --threads 1 --eval-size 1000 --load "$dir/full.json" --epochs 0 > "$dir/loaded.out"
grep -q "^best evaluation accuracy: " "$dir/loaded.out"
echo "ok: $(tail -n 1 "$dir/resumed.out")"
