#!/usr/bin/env bash
# An MPI job with a failing rank ends with a non-zero status within 20 s (never hangs), and
# its stderr says what failed.
#   mpi_job_fails_test.sh <mpirun> <np> <program> <mode> [<regex> once|present]
# <program> <mode> is the failing job; <regex> (extended) must match exactly one stderr line
# (once) or at least one (present).
set -uo pipefail
mpirun=$1 np=$2 bin=$3 mode=$4 pattern=${5:-} count_rule=${6:-present}
err=$(mktemp)
trap 'rm -f "$err"' EXIT
start=$(date +%s)
timeout 60 "$mpirun" --oversubscribe -np "$np" "$bin" "$mode" > /dev/null 2> "$err"
status=$?
seconds=$(( $(date +%s) - start ))
if [[ $status -eq 0 ]]; then echo "FAIL: exit status 0"; cat "$err"; exit 1; fi
if [[ $status -eq 124 ]]; then echo "FAIL: the job hung (killed after 60 s)"; cat "$err"; exit 1; fi
if (( seconds > 20 )); then echo "FAIL: took $seconds s"; exit 1; fi
if [[ -n $pattern ]]; then
  count=$(grep -cE "$pattern" "$err")
  if [[ $count_rule == once && $count -ne 1 ]] || [[ $count -eq 0 ]]; then
    echo "FAIL: $count stderr lines match '$pattern', expected $count_rule"; cat "$err"; exit 1
  fi
fi
echo "ok: exit status $status after $seconds s"
