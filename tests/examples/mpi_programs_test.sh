#!/usr/bin/env bash
# xgrad-chapter3 and xgrad-search under mpirun give the tables and files of a single
# process: the runs are handed out by the task farm, rank 0 writes everything.
#   mpi_programs_test.sh chapter3|search MPIEXEC NP BIN_DIR
# Compared after removing what is timing: the seconds columns of the CSV files, "— 1.2 s"
# and "(3.4 s)" in the printed tables, and the output directories in the "wrote" lines.
set -uo pipefail
case_name=$1 mpiexec=$2 np=$3 bin=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# csv_without_seconds FILE: the CSV without its "seconds" column (quoted fields may hold commas).
csv_without_seconds() {
  python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
drop = rows[0].index("seconds") if rows and "seconds" in rows[0] else None
for row in rows:
    print(",".join(v for i, v in enumerate(row) if i != drop))
PY
}
# tables FILE DIR: the printed tables, headings and notes, without timings or DIR.
tables() {
  grep -E '^(== |#|  [^ ]|best:|  xgrad-mnist)' "$1" |
    sed -E -e "s#$2#OUT#g" -e 's/ — [0-9.]+ s$//' -e 's/\([0-9.]+ s\)//g' -e 's/ +[0-9]+\.[0-9]$//'
}

case $case_name in
  chapter3)
    args=(4 5 8 13 15 --quick --no-plots --no-report)
    "$bin/xgrad-chapter3" "${args[@]}" --out "$tmp/one" >"$tmp/one.txt" 2>"$tmp/one.err" \
      || { cat "$tmp/one.txt" "$tmp/one.err"; fail "xgrad-chapter3 alone failed"; }
    timeout 300 "$mpiexec" --oversubscribe -np "$np" "$bin/xgrad-chapter3" "${args[@]}" --out "$tmp/mpi" \
      >"$tmp/mpi.txt" 2>"$tmp/mpi.err" \
      || { cat "$tmp/mpi.txt" "$tmp/mpi.err"; fail "xgrad-chapter3 on $np processes failed"; }
    cat "$tmp/mpi.txt"
    grep -q "handed out to $np processes" "$tmp/mpi.txt" || fail "no task farm on $np processes"
    grep -q "on rank [1-9]" "$tmp/mpi.txt" || fail "no run was trained on a rank other than 0"
    ! grep -q "not in the plan" "$tmp/mpi.err" || fail "runs missing from the plan: $(cat "$tmp/mpi.err")"
    diff <(tables "$tmp/one.txt" "$tmp/one") <(tables "$tmp/mpi.txt" "$tmp/mpi") || fail "the tables differ"
    files=0
    for f in "$tmp"/one/*; do
      name=$(basename "$f")
      [[ -f $tmp/mpi/$name ]] || fail "$name missing on $np processes"
      case $name in
        *.csv) diff <(csv_without_seconds "$f") <(csv_without_seconds "$tmp/mpi/$name") || fail "$name differs" ;;
        *) diff <(sed "s#$tmp/one#OUT#g" "$f") <(sed "s#$tmp/mpi#OUT#g" "$tmp/mpi/$name") || fail "$name differs" ;;
      esac
      files=$((files + 1))
    done
    (( files == 10 )) || fail "$files files compared, expected 10 (a .csv and a .gp per experiment)" ;;
  search)
    args=(--trials 6 --budgets 500x1,1000x2 --val-size 500 --factor 2)
    "$bin/xgrad-search" "${args[@]}" --csv "$tmp/one.csv" >"$tmp/one.txt" 2>&1 \
      || { cat "$tmp/one.txt"; fail "xgrad-search alone failed"; }
    timeout 300 "$mpiexec" --oversubscribe -np "$np" "$bin/xgrad-search" "${args[@]}" --csv "$tmp/mpi.csv" \
      >"$tmp/mpi.txt" 2>&1 || { cat "$tmp/mpi.txt"; fail "xgrad-search on $np processes failed"; }
    cat "$tmp/mpi.txt"
    grep -q "(rank [1-9])" "$tmp/mpi.txt" || fail "no trial ran on a rank other than 0"
    diff <(csv_without_seconds "$tmp/one.csv") <(csv_without_seconds "$tmp/mpi.csv") || fail "search.csv differs"
    diff <(grep -A1 '^best:' "$tmp/one.txt") <(grep -A1 '^best:' "$tmp/mpi.txt") || fail "a different best candidate"
    diff <(sed -n '/^Leaderboard/,/^trials written/p' "$tmp/one.txt" | tail -n +3 | awk '{ NF -= 1; print }') \
         <(sed -n '/^Leaderboard/,/^trials written/p' "$tmp/mpi.txt" | tail -n +3 | awk '{ NF -= 1; print }') \
      || fail "the leaderboards differ" ;;
  *) fail "unknown case $case_name" ;;
esac
echo "ok"
