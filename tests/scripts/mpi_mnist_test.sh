#!/usr/bin/env bash
# xgrad-mnist under mpirun (with dropout, momentum, L1 and L2): in float64, 2 and 3 processes
# print exactly the single-process per-epoch accuracies and save parameters within 1e-10
# relative; a run checkpointed on 2 processes and resumed on 3 matches too; only rank 0
# prints.
#   mpi_mnist_test.sh <mpirun> <xgrad-mnist>
set -euo pipefail
mpirun=$1 bin=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
flags=(--quiet --threads 1 --dtype f64 --train-size 5000 --eval-size 2000 --batch 25
       --momentum 0.5 --l1 0.1 --dropout 0.2 --seed 3 --monitor eval-acc,train-acc)
accuracies() { grep "^Accuracy on" "$1"; }
# Parameters of two xgrad model files within 1e-10 relative (or 1e-12 absolute).
same_parameters() {
  python3 - "$1" "$2" <<'PY'
import json, sys
def numbers(x):
    if isinstance(x, (int, float)) and not isinstance(x, bool): yield float(x)
    elif isinstance(x, list):
        for v in x: yield from numbers(v)
    elif isinstance(x, dict):
        for k in sorted(x): yield from numbers(x[k])
a, b = (list(numbers(json.load(open(p)))) for p in sys.argv[1:3])
assert len(a) == len(b), f"{len(a)} vs {len(b)} numbers"
worst = max(abs(x - y) / max(abs(y), 1e-2) for x, y in zip(a, b))
print(f"largest relative difference {worst:.2e}")
sys.exit(0 if worst <= 1e-10 else 1)
PY
}
"$bin" "${flags[@]}" --epochs 3 --save "$dir/np1.json" > "$dir/np1.out"
for np in 2 3; do
  "$mpirun" --oversubscribe -np "$np" "$bin" "${flags[@]}" --epochs 3 --save "$dir/np$np.json" \
    > "$dir/np$np.out"
  diff <(accuracies "$dir/np1.out") <(accuracies "$dir/np$np.out")
  [[ $(tail -n 1 "$dir/np1.out") == "$(tail -n 1 "$dir/np$np.out")" ]]
  [[ $(grep -c "^Epoch " "$dir/np$np.out") -eq 3 ]]  # printed once, by rank 0
  same_parameters "$dir/np$np.json" "$dir/np1.json"
done
# Checkpointed after 1 epoch on 2 processes, resumed on 3.
"$mpirun" --oversubscribe -np 2 "$bin" "${flags[@]}" --epochs 1 --checkpoint "$dir/ck.json" > /dev/null
"$mpirun" --oversubscribe -np 3 "$bin" "${flags[@]}" --epochs 3 --resume "$dir/ck.json" \
  --save "$dir/resumed.json" > "$dir/resumed.out"
diff <(accuracies "$dir/np1.out" | tail -n 4) <(accuracies "$dir/resumed.out")
same_parameters "$dir/resumed.json" "$dir/np1.json"
echo "ok: $(tail -n 1 "$dir/np1.out") with 1, 2, 3 processes and resumed from 2 on 3"
