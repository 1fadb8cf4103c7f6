#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

// Standard output in 1 MiB blocks: a big answer (a family of 45,000 models as
// JSON is tens of MB) costs a few dozen write(2) calls, not thousands. The
// block is left uninitialised: zeroing 1 MiB was an eighth of the start-up
// of `lineage --version`, and a short answer touches only its first pages.
class BlockOut : public std::streambuf {
 public:
  explicit BlockOut(int fd) : fd_(fd), buf_(std::make_unique_for_overwrite<char[]>(kSize)) {
    setp(buf_.get(), buf_.get() + kSize);
  }

 protected:
  int_type overflow(int_type ch) override {
    if (Drain() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  int sync() override { return Drain(); }

 private:
  int Drain() {
    const char* p = pbase();
    while (p < pptr()) {
      ssize_t n = ::write(fd_, p, static_cast<size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return -1;
      p += n;
    }
    setp(buf_.get(), buf_.get() + kSize);
    return 0;
  }
  static constexpr size_t kSize = size_t{1} << 20;
  int fd_;
  std::unique_ptr<char[]> buf_;
};

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  // A terminal keeps the usual small buffer, so rows appear as they come.
  BlockOut out(STDOUT_FILENO);
  std::streambuf* standard = ::isatty(STDOUT_FILENO) ? std::cout.rdbuf() : std::cout.rdbuf(&out);
  std::vector<std::string> args(argv + 1, argv + argc);
  lineage::cli::SetExitAfterRun(true);
  int code = lineage::cli::Run(args, std::cout, std::cerr);
  std::cout.flush();
  std::cout.rdbuf(standard);
  return code;
}
