#!/usr/bin/env bash
# Smoke tests of xgrad-chapter3 and xgrad-search in their quickest modes: they run, and the
# files they write exist and hold real content.
#   programs_test.sh CASE BIN_DIR
# The programs find MNIST as a user's run does ($XGRAD_DATA, else the checkout's data/mnist/);
# CTest runs the cases that need it through needs_mnist.sh.
set -uo pipefail
case_name=$1 bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*"; exit 1; }
# run STATUS CMD...: runs CMD with output in $tmp/out, checks its exit status.
run() {
  local status=$1 rc
  shift
  "$@" >"$tmp/out" 2>&1; rc=$?
  cat "$tmp/out"
  [[ $rc -eq $status ]] || fail "exit status $rc, expected $status: $*"
}
has() { grep -qE -- "$1" "$tmp/out" || fail "output lacks /$1/"; }
is_png() {
  [[ -f $1 ]] || fail "$1 missing"
  [[ $(head -c 8 "$1" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "$1 is not a PNG"
  (( $(stat -c %s "$1") > 10000 )) || fail "$1 is suspiciously small"
}
lines() { wc -l <"$1"; }

case $case_name in
  chapter3_quick)
    out=$tmp/results
    run 0 "$bin/xgrad-chapter3" 1 overfitting --quick --out "$out" --report "$tmp/doc/report.md"
    has "#1 quadratic from \(0.6, 0.9\), η = 0.15: output after 300 epochs +≈ 0.09 +0.094"
    has "best test accuracy"
    # #1–#3: 301 epochs of 4 runs (output and cost each), deterministic.
    [[ $(lines "$out/01-slowdown.csv") -eq 302 ]] || fail "01-slowdown.csv: $(lines "$out/01-slowdown.csv") lines"
    [[ $(head -1 "$out/01-slowdown.csv" | tr ',' '\n' | wc -l) -eq 9 ]] || fail "01-slowdown.csv columns"
    awk -F, 'NR == 302 && !($2 > 0.09 && $2 < 0.1) { exit 1 }' "$out/01-slowdown.csv" \
      || fail "#1's output after 300 epochs is not ≈ 0.094"
    is_png "$out/01-slowdown.png"
    # #6 with --quick: 40 epochs on 1,000 images, one seed, all four monitors on 2,000 test images.
    csv=$out/06-overfitting.csv
    [[ $(head -1 "$csv") == experiment,run,seed,epoch,learning_rate,seconds,training_cost,training_accuracy,evaluation,evaluation_cost,evaluation_accuracy ]] \
      || fail "06-overfitting.csv header"
    [[ $(lines "$csv") -eq 41 ]] || fail "06-overfitting.csv: $(lines "$csv") lines, expected 41"
    # Every monitor filled in; it learns: test accuracy after the last epoch > 60%, training
    # accuracy > 90%, training cost below its first value. (The quoted run label may hold commas.)
    sed 's/"[^"]*"/run/' "$csv" >"$tmp/plain.csv"
    awk -F, 'NR > 1 { for (i = 7; i <= 11; ++i) if ($i == "") exit 1 }' "$tmp/plain.csv" || fail "empty monitor values"
    awk -F, 'NR == 2 { c0 = $7 } NR == 41 && !($11 > 0.6 && $8 > 0.9 && $7 < c0) { exit 1 }' "$tmp/plain.csv" \
      || fail "the last epoch does not show learning: $(tail -1 "$csv")"
    is_png "$out/06-overfitting.png"
    grep -q "set multiplot layout 2,2" "$out/06-overfitting.gp" || fail "06-overfitting.gp is not the 2×2 figure"
    # The report: both sections, the quick-run warning, and its images copied beside it.
    report=$tmp/doc/report.md
    grep -q '^## #1–#3 The learning slowdown' "$report" || fail "report lacks #1–#3"
    grep -q '^## #6 Overfitting on 1,000 images' "$report" || fail "report lacks #6"
    grep -q 'quick' "$report" || fail "report does not say it is a quick run"
    grep -q '](img/chapter3/06-overfitting.png)' "$report" || fail "report lacks #6's plot"
    is_png "$tmp/doc/img/chapter3/06-overfitting.png" ;;
  chapter3_errors)
    run 2 "$bin/xgrad-chapter3" 16
    has "unknown experiment '16'"
    run 2 "$bin/xgrad-chapter3"
    has "name at least one experiment"
    run 2 "$bin/xgrad-chapter3" 4 --seeds 0
    run 0 "$bin/xgrad-chapter3" --list
    [[ $(lines "$tmp/out") -eq 13 ]] || fail "--list: $(lines "$tmp/out") lines, expected 13"
    has "^#1–#3 +slowdown"
    has "^#15 +train-size" ;;
  search_quick)
    run 0 "$bin/xgrad-search" --trials 4 --budgets 500x1,1000x2 --val-size 500 --factor 2 \
      --csv "$tmp/search.csv"
    has "^Leaderboard"
    has "^ +1 +[0-9]+ .* \(2\) +[0-9.]+%"
    has "xgrad-mnist --sizes 784,[0-9]+,10 --eta"
    # 4 trials on rung 1, 2 on rung 2; accuracies in (0, 1].
    [[ $(lines "$tmp/search.csv") -eq 7 ]] || fail "search.csv: $(lines "$tmp/search.csv") lines, expected 7"
    [[ $(awk -F, '$2 == 2' "$tmp/search.csv" | wc -l) -eq 2 ]] || fail "not 2 trials on rung 2"
    awk -F, 'NR > 1 && !($11 > 0 && $11 <= 1) { exit 1 }' "$tmp/search.csv" || fail "accuracies out of range"
    # The same seed gives the same search.
    cp "$tmp/search.csv" "$tmp/first.csv"
    run 0 "$bin/xgrad-search" --trials 4 --budgets 500x1,1000x2 --val-size 500 --factor 2 \
      --csv "$tmp/search.csv"
    diff <(cut -d, -f1-13 "$tmp/first.csv") <(cut -d, -f1-13 "$tmp/search.csv") || fail "not reproducible"
    run 2 "$bin/xgrad-search" --budgets 1000x5,500x10
    has "budgets must grow" ;;
  *) fail "unknown case $case_name" ;;
esac
echo "ok"
