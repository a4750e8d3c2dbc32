#!/usr/bin/env bash
# Bad xgrad-mnist flags: each must print one "error: ..." line naming the problem on stderr
# and exit with status 2 (never a signal), before any training.
#   mnist_cli_test.sh <xgrad-mnist> <case>
set -u
bin=$1
case $2 in
  negative_eta)      args=(--eta -0.5);            expect="--eta" ;;
  negative_lambda)   args=(--lambda -1);           expect="--lambda" ;;
  zero_batch)        args=(--batch 0);             expect="--batch" ;;
  dropout_one)       args=(--dropout 1);           expect="--dropout" ;;
  unknown_cost)      args=(--cost hinge);          expect="--cost" ;;
  sizes_not_784)     args=(--sizes 100,30,10 --epochs 0); expect="sizes must start with 784" ;;
  sizes_garbage)     args=(--sizes 784,x,10);      expect="'x' is not a positive integer" ;;
  unknown_monitor)   args=(--monitor eval-acc,speed); expect="unknown quantity 'speed'" ;;
  unknown_flag)      args=(--learning-rate 3);     expect="--learning-rate" ;;
  *) echo "unknown case $2"; exit 1 ;;
esac
stderr=$("$bin" "${args[@]}" 2>&1 >/dev/null)
status=$?
if [[ $status -ne 2 ]]; then
  echo "expected exit status 2, got $status; stderr: $stderr"
  exit 1
fi
if [[ $stderr != error:* ]] || [[ $stderr != *"$expect"* ]]; then
  echo "stderr should start with 'error:' and mention '$expect'; got: $stderr"
  exit 1
fi
echo "ok: $stderr"
