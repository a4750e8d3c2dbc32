#!/usr/bin/env bash
# scripts/check-doc-snippets on small documents: it passes a document whose blocks equal
# their sources and rejects drift, a C++ block without a source, and a missing region; and
# --update repairs drift.
#   check_doc_snippets_test.sh <python3> <check-doc-snippets> <case>
set -u
python=$1
checker=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/prog.cpp" <<'CPP'
int main() {
  // [body]
  int x = 1;
  // [inner]
  return x - 1;
  // [inner]
  // [body]
}
CPP
block() {  # block <snippet comment or empty> <lines...>
  [[ -n $1 ]] && echo "<!-- snippet: $1 -->"
  shift
  echo '```cpp'
  printf '%s\n' "$@"
  echo '```'
}
expect() {  # expect <exit status> <text in output> <document>
  output=$("$python" "$checker" "$3" 2>&1)
  status=$?
  if [[ $status -ne $1 || $output != *"$2"* ]]; then
    echo "expected exit $1 and '$2'; got exit $status: $output"
    exit 1
  fi
  echo "ok: exit $status: $output"
}
doc=$dir/doc.md
case $3 in
  matching)
    { echo "# Doc"; block prog.cpp#body "int x = 1;" "return x - 1;"; echo '```sh'; echo 'ls'; echo '```'; } >"$doc"
    expect 0 "1 code block(s) checked against their sources, 0 problem(s)" "$doc" ;;
  drift)
    block prog.cpp#body "int x = 2;" "return x - 1;" >"$doc"
    expect 1 "block differs from its source" "$doc" ;;
  no_source)
    block "" "int x = 1;" >"$doc"
    expect 1 "cpp block without a <!-- snippet: FILE#NAME --> source" "$doc" ;;
  missing_region)
    block prog.cpp#tail "int x = 1;" >"$doc"
    expect 1 "region [tail] needs exactly two marker lines, found 0" "$doc" ;;
  update_repairs)
    block prog.cpp#inner "return 0;" >"$doc"
    "$python" "$checker" --update "$doc" >/dev/null 2>&1
    expect 0 "0 problem(s)" "$doc"
    grep -qx "return x - 1;" "$doc" || { echo "--update did not write the source's text"; exit 1; } ;;
  *) echo "unknown case $3"; exit 1 ;;
esac
