#!/usr/bin/env bash
# A job of N processes whose last rank fails ends with a non-zero status within 20 s, and
# the failing rank's message reaches stderr.
#   mpi_failing_rank_test.sh <mpirun> <np> <xgrad_mpi_failing_rank> caught|uncaught
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
if [[ $mode == caught ]] && ! grep -q "error: deliberate failure on rank $((np - 1))" "$err"; then
  echo "FAIL: no error message naming rank $((np - 1))"; cat "$err"; exit 1
fi
echo "ok: exit status $status after $seconds s"
