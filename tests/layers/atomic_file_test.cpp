// write_file_atomically: replaces the file, leaves no temporary behind, and — when a write
// fails midway (forced through XGRAD_TEST_FAIL_WRITE_AFTER_BYTES) — keeps the previous file
// byte for byte, for plain writes and for saved models.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <system_error>

#include <xgrad/xgrad.hpp>

#include "datasets/files.hpp"
#include "layers/model_files.hpp"
#include "test_util.hpp"

namespace xgrad {
namespace {

using test::expect_error;
using test::read_all;
using test::ScopedEnv;
using test::TempDir;

// Names of the directory's entries.
std::vector<std::string> entries(const TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(AtomicFile, creates_and_replaces_leaving_no_temporary) {
  TempDir dir;
  write_file_atomically(dir / "a.txt", "first version\n");
  EXPECT_EQ(read_all(dir / "a.txt"), "first version\n");
  write_file_atomically(dir / "a.txt", "second\n");
  EXPECT_EQ(read_all(dir / "a.txt"), "second\n");
  write_file_atomically(dir / "a.txt", "");
  EXPECT_EQ(read_all(dir / "a.txt"), "");
  EXPECT_EQ(entries(dir), std::vector<std::string>{"a.txt"});
}

TEST(AtomicFile, new_file_has_the_usual_permissions) {
  TempDir dir;
  const mode_t mask = ::umask(0022);
  write_file_atomically(dir / "p.txt", "x");
  ::umask(mask);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "p.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(AtomicFile, failure_midway_keeps_the_previous_file_intact) {
  TempDir dir;
  const std::string previous(5000, 'p');
  write_file_atomically(dir / "ckpt", previous);
  const std::string next(70000, 'n');
  for (const char* after : {"0", "1", "4096", "69999"}) {
    ScopedEnv fail("XGRAD_TEST_FAIL_WRITE_AFTER_BYTES", after);
    try {
      write_file_atomically(dir / "ckpt", next);
      ADD_FAILURE() << "no failure after " << after << " bytes";
    } catch (const IoError& e) {
      EXPECT_EQ(e.code(), std::errc::io_error);
      const std::string what = e.what();
      EXPECT_NE(what.find("cannot write " + (dir / "ckpt") + ": simulated write failure after " +
                          after + " bytes"),
                std::string::npos)
          << what;
    }
    EXPECT_EQ(read_all(dir / "ckpt"), previous) << "after " << after;
    EXPECT_EQ(entries(dir), std::vector<std::string>{"ckpt"}) << "after " << after;
  }
  // With the seam set beyond the contents the write succeeds.
  ScopedEnv fail("XGRAD_TEST_FAIL_WRITE_AFTER_BYTES", "70000");
  write_file_atomically(dir / "ckpt", next);
  EXPECT_EQ(read_all(dir / "ckpt"), next);
}

TEST(AtomicFile, failure_when_nothing_existed_creates_nothing) {
  TempDir dir;
  {
    ScopedEnv fail("XGRAD_TEST_FAIL_WRITE_AFTER_BYTES", "3");
    EXPECT_THROW(write_file_atomically(dir / "new.json", "0123456789"), IoError);
  }
  EXPECT_TRUE(entries(dir).empty());
  expect_error<IoError>(
      [&] { write_file_atomically(dir / "no-such-dir/x.json", "data"); },
      {"cannot write", "no-such-dir/x.json: cannot create a temporary file beside it",
       "No such file or directory"});
}

TEST(AtomicFile, failed_model_save_keeps_the_previous_model) {
  TempDir dir;
  const Sequential<double> old_net = test::every_builtin_module<double>();
  save_model(dir / "model.json", old_net, Cost::cross_entropy());
  const std::string old_bytes = read_all(dir / "model.json");
  const Sequential<double> new_net(Dense<double>(4, 3, Init::standard, std::uint64_t{1}));
  {
    ScopedEnv fail("XGRAD_TEST_FAIL_WRITE_AFTER_BYTES", "100");
    EXPECT_THROW(save_model(dir / "model.json", new_net, Cost::quadratic()), IoError);
    EXPECT_THROW(save_network2(dir / "model.json", new_net, Cost::quadratic()), IoError);
  }
  EXPECT_EQ(read_all(dir / "model.json"), old_bytes);
  EXPECT_TRUE(test::same_network(old_net, load_model<double>(dir / "model.json").network));
  EXPECT_EQ(entries(dir), std::vector<std::string>{"model.json"});
}

}  // namespace
}  // namespace xgrad
