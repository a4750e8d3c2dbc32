#!/usr/bin/env bash
# A task farm whose last rank fails ends with a non-zero status within 20 s; a task's
# exception is reported once, naming the task and the rank.
#   farm_failure_test.sh <mpirun> <np> <xgrad_mpi_farm_failure> throw|exit
set -uo pipefail
mpirun=$1 np=$2 bin=$3 mode=$4
err=$(mktemp)
trap 'rm -f "$err"' EXIT
start=$(date +%s)
timeout 60 "$mpirun" --oversubscribe -np "$np" "$bin" "$mode" > /dev/null 2> "$err"
status=$?
seconds=$(( $(date +%s) - start ))
if [[ $status -eq 0 ]]; then echo "FAIL: exit status 0"; cat "$err"; exit 1; fi
if [[ $status -eq 124 ]]; then echo "FAIL: the job hung (killed after 60 s)"; cat "$err"; exit 1; fi
if (( seconds > 20 )); then echo "FAIL: took $seconds s"; exit 1; fi
if [[ $mode == throw ]]; then
  pattern="^error: task [0-9]+ failed on rank $((np - 1)) of $np: deliberate failure on rank $((np - 1))\$"
  count=$(grep -cE "$pattern" "$err")
  if [[ $count -ne 1 ]]; then
    echo "FAIL: $count messages naming the task and rank $((np - 1)), expected 1"; cat "$err"; exit 1
  fi
fi
echo "ok: exit status $status after $seconds s"
