#pragma once
/// @file
/// Writing a file so that readers see either its old contents or its new ones, never a
/// mixture or a truncated file: what checkpoints and saved models are written with.

#include <string>
#include <string_view>

namespace xgrad {

/// Replaces the file at `path` by `contents`, atomically.
///
/// The bytes go to a new temporary file in the same directory (`.<name>.tmp-<pid>-<n>`,
/// created with mode 0666 less the umask), which is flushed to disk (fsync) and then
/// renamed over `path`; the directory is then fsync'ed too (best effort), so the rename
/// survives a crash. On any failure — the directory is not writable, the disk is full, a
/// write or the fsync fails — the temporary file is removed and `path` is left exactly as
/// it was (or absent if it was absent), and xgrad::IoError is thrown with the failing
/// call's errno and a message naming `path` and the step that failed.
///
/// A symbolic link at `path` is replaced by a regular file (the link is not followed).
///
/// **Test seam.** When the environment variable `XGRAD_TEST_FAIL_WRITE_AFTER_BYTES` holds a
/// number N, the write fails (errno EIO, "simulated write failure") once N bytes of
/// `contents` have been written to the temporary file, so tests can check that a failure in
/// the middle of a write leaves the previous file intact. Leave it unset in normal use.
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace xgrad
