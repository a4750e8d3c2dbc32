#!/usr/bin/env bash
# Tests of scripts/get-mnist's checksum logic on local files (it cannot download here).
#   get_mnist_test.sh CASE SCRIPT SHARED_DIR
# Exits 77 (skipped) when SHARED_DIR does not hold the genuine files.
set -uo pipefail
case_name=$1 script=$2 shared=$3
[[ -f $shared/train-labels-idx1-ubyte.gz ]] || { echo "no shared MNIST files in $shared"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

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

case $case_name in
  verify_genuine)
    expect 0 "ok +$shared/t10k-labels-idx1-ubyte.gz" "$script" --verify "$shared" ;;
  verify_detects_corruption)
    cp "$shared"/*.gz "$tmp"/
    chmod u+w "$tmp"/*.gz
    printf '\x00' | dd of="$tmp/train-labels-idx1-ubyte.gz" bs=1 seek=1000 conv=notrunc status=none
    expect 1 "train-labels-idx1-ubyte.gz: MD5 [0-9a-f]{32}, expected d53e105ee54ea40749a09fcbcd1e9432" \
      "$script" --verify "$tmp"
    expect 1 "ok +$tmp/t10k-images-idx3-ubyte.gz" "$script" --verify "$tmp"
    rm "$tmp/t10k-labels-idx1-ubyte.gz"
    expect 1 "t10k-labels-idx1-ubyte.gz: missing" "$script" --verify "$tmp" ;;
  copies_from_shared)
    # A corrupt file already in place is replaced by a verified copy.
    mkdir -p "$tmp/dest"
    echo junk > "$tmp/dest/t10k-labels-idx1-ubyte.gz"
    XGRAD_MNIST_SHARED=$shared expect 0 "all four files verified" \
      "$script" --offline --dest "$tmp/dest"
    expect 0 "ok" "$script" --verify "$tmp/dest"
    XGRAD_MNIST_SHARED=$shared expect 0 "present +$tmp/dest/train-images" \
      "$script" --offline --dest "$tmp/dest" ;;
  rejects_corrupt_source)
    mkdir -p "$tmp/src" "$tmp/dest"
    cp "$shared"/*.gz "$tmp/src"/
    chmod u+w "$tmp/src"/*.gz
    truncate -s 1000 "$tmp/src/t10k-images-idx3-ubyte.gz"
    XGRAD_MNIST_SHARED=$tmp/src expect 1 "t10k-images-idx3-ubyte.gz: MD5 [0-9a-f]{32}, expected 9fb629c4189551a2d022fa330f9573f3" \
      "$script" --offline --dest "$tmp/dest"
    [[ ! -e $tmp/dest/t10k-images-idx3-ubyte.gz && ! -e $tmp/dest/.t10k-images-idx3-ubyte.gz.part ]] ||
      fail "an unverified file was left in place"
    [[ -f $tmp/dest/train-images-idx3-ubyte.gz ]] || fail "the good files were not copied" ;;
  downloads_fall_back_to_mirror)
    # No shared copy: the first "mirror" fails, the second serves a corrupt train-labels
    # (rejected), the third the genuine files; only verified files end up in place.
    mkdir -p "$tmp/bad" "$tmp/dest"
    cp "$shared"/*.gz "$tmp/bad"/
    chmod u+w "$tmp/bad"/*.gz
    echo junk >"$tmp/bad/train-labels-idx1-ubyte.gz"
    XGRAD_MNIST_SHARED=$tmp/none XGRAD_MNIST_MIRRORS="file://$tmp/missing file://$tmp/bad file://$shared" \
      expect 0 "all four files verified" "$script" --dest "$tmp/dest"
    expect 0 "ok" "$script" --verify "$tmp/dest"
    XGRAD_MNIST_SHARED=$tmp/none XGRAD_MNIST_MIRRORS="file://$tmp/missing" \
      expect 0 "present" "$script" --dest "$tmp/dest"
    rm "$tmp/dest/t10k-labels-idx1-ubyte.gz"
    echo junk >"$tmp/bad/t10k-labels-idx1-ubyte.gz"
    XGRAD_MNIST_SHARED=$tmp/none XGRAD_MNIST_MIRRORS="file://$tmp/missing file://$tmp/bad" \
      expect 1 "could not get a verified t10k-labels-idx1-ubyte.gz" "$script" --dest "$tmp/dest" ;;
  usage)
    expect 0 "--verify DIR" "$script" --help
    expect 2 "unknown argument '--bogus'" "$script" --bogus
    expect 2 "Exit status" "$script" --verify ;;
  *) fail "unknown case $case_name" ;;
esac
echo "PASS $case_name"
