#include "cli/terminal_text.h"

#include <cstdio>

namespace lineage::cli {

namespace {

// Feeds bytes one at a time, holding an incomplete UTF-8 sequence.
class Filter {
 public:
  explicit Filter(std::string* out) : out_(out) {}

  void Put(unsigned char b) {
    if (!pending_.empty()) {
      if ((b & 0xC0) == 0x80) {
        pending_.push_back(static_cast<char>(b));
        if (pending_.size() == need_) Complete();
        return;
      }
      FlushBroken();
    }
    if (b < 0x80) {
      if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) Hex(b);
      else out_->push_back(static_cast<char>(b));
    } else if (b >= 0xC2 && b <= 0xF4) {
      need_ = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      pending_.push_back(static_cast<char>(b));
    } else {
      Hex(b);
    }
  }
  void Finish() { FlushBroken(); }

 private:
  void Hex(unsigned char b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02X", b);
    out_->append(buf);
  }
  void FlushBroken() {
    for (unsigned char c : pending_) Hex(c);
    pending_.clear();
  }
  void Complete() {
    const auto* p = reinterpret_cast<const unsigned char*>(pending_.data());
    char32_t cp = need_ == 2 ? ((p[0] & 0x1F) << 6) | (p[1] & 0x3F)
                  : need_ == 3 ? ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F)
                               : ((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) |
                                     ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    bool overlong = (need_ == 3 && cp < 0x800) || (need_ == 4 && (cp < 0x10000 || cp > 0x10FFFF));
    bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (overlong || surrogate) {
      FlushBroken();
      return;
    }
    if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp));
      out_->append(buf);
    } else {
      out_->append(pending_);
    }
    pending_.clear();
  }

  std::string* out_;
  std::string pending_;
  size_t need_ = 0;
};

}  // namespace

std::string TerminalSafe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  Filter f(&out);
  for (unsigned char c : text) f.Put(c);
  f.Finish();
  return out;
}

class TerminalSafeStream::Buf : public std::streambuf {
 public:
  explicit Buf(std::streambuf* dest) : dest_(dest), filter_(&chunk_) {}
  void Finish() {
    filter_.Finish();
    Drain();
    dest_->pubsync();
  }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) {
      filter_.Put(static_cast<unsigned char>(c));
      if (chunk_.size() > 4096) Drain();
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i) filter_.Put(static_cast<unsigned char>(s[i]));
    if (chunk_.size() > 4096) Drain();
    return n;
  }
  int sync() override {
    Drain();
    return dest_->pubsync();
  }

 private:
  void Drain() {
    dest_->sputn(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
    chunk_.clear();
  }
  std::streambuf* dest_;
  std::string chunk_;
  Filter filter_;
};

TerminalSafeStream::TerminalSafeStream(std::ostream& dest)
    : std::ostream(nullptr), buf_(std::make_unique<Buf>(dest.rdbuf())) {
  rdbuf(buf_.get());
}

TerminalSafeStream::~TerminalSafeStream() { buf_->Finish(); }

}  // namespace lineage::cli
