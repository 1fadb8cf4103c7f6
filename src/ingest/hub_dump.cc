// Hub API dumps: records of /api/models?full=true&cardData=true, as JSON lines
// or one JSON array, read as a stream.
//
// A parser thread reads the file in blocks, splits it into records (lines, or
// an array's records by bracket matching, in one linear pass), and parses each
// with simdjson while the caller's sink (the store) takes the previous block.
// nlohmann_json is the reference: a record simdjson refuses is read again by
// it, so every diagnostic (a bad byte, a number beyond a double, nesting past
// kMaxJsonDepth) says what it said before, and a record both accept gives the
// same facts (one template, ingest/hub_facts.h, reads either parse).
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "ingest/hub_facts.h"
#include "ingest/json_view_nlohmann.h"
#include "ingest/json_view_simd.h"
#include "ingest/readers.h"
#include "ingest/util.h"
#include "lineage/ingest.h"

namespace lineage {

namespace {

using nlohmann::json;

// Parses one record. nlohmann throws out_of_range for numbers beyond a double
// (1e999) even when asked not to throw, so every failure is caught here and
// becomes `*why`; false then.
bool ParseRecord(std::string_view text, json* out, std::string* why) {
  if (ingest_util::JsonNestingDepth(text) > ingest_util::kMaxJsonDepth) {
    *why = "nested deeper than " + std::to_string(ingest_util::kMaxJsonDepth) + " levels";
    return false;
  }
  try {
    *out = json::parse(text.begin(), text.end());
    return true;
  } catch (const json::exception& e) {
    *why = e.what();
    return false;
  }
}

// What one record gave: facts, or a diagnostic.
struct Parsed {
  std::optional<DocumentFacts> facts;
  std::optional<Diagnostic> diag;
};

// One record to read. `line` is where it starts (diagnostics); `facts_line`
// is what its evidence cites (the file line, or an array record's index);
// `prefix` starts its diagnostics ("record 3: " in an array).
struct RecordRef {
  std::string_view text;
  int line = 0;
  int facts_line = 0;
  bool array = false;
  bool complete = true;
};

std::string ArrayPrefix(int index) { return "record " + std::to_string(index) + ": "; }

// The reference reading of one record (nlohmann_json).
Parsed ReferenceParse(const RecordRef& r, const std::string& path) {
  Parsed out;
  std::string prefix = r.array ? ArrayPrefix(r.facts_line) : "";
  if (!r.complete) {
    out.diag = Diagnostic{path, r.line, "error", "json",
                          prefix + "truncated (the file ends inside it); skipped"};
    return out;
  }
  json rec;
  std::string why;
  if (!ParseRecord(r.text, &rec, &why)) {
    out.diag = Diagnostic{path, r.line, "error", "json",
                          prefix + (r.array ? "malformed JSON; skipped (" : "malformed JSON line; skipped (") +
                              why + ")"};
    return out;
  }
  auto facts = hub_facts::FactsFromHub(json_view::NlohmannView(rec), path, r.facts_line);
  if (!facts.ok()) {
    out.diag = Diagnostic{path, r.line, "error", "hub_record", prefix + facts.status().message()};
    return out;
  }
  facts->content_hash = ingest_util::HashHex(r.text);
  out.facts = std::move(facts.value());
  return out;
}

// The fast reading: simdjson, deferring to the reference for any record it
// refuses. `r.text` must be followed by SIMDJSON_PADDING readable bytes.
class FastParser {
 public:
  FastParser() {
    // Never accept what the reference refuses for its depth.
    if (parser_.allocate(1 << 16, ingest_util::kMaxJsonDepth) != simdjson::SUCCESS) {
      throw std::bad_alloc();
    }
  }

  Parsed Parse(const RecordRef& r, const std::string& path) {
    if (!r.complete) return ReferenceParse(r, path);
    std::string_view text = r.text;
    // nlohmann skips a byte-order mark at the start of its input.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    auto root = parser_.parse(text.data(), text.size(), false);
    if (root.error()) return ReferenceParse(r, path);
    Parsed out;
    auto facts = hub_facts::FactsFromHub(json_view::SimdView(root.value_unsafe()), path, r.facts_line);
    if (!facts.ok()) {
      out.diag = Diagnostic{path, r.line, "error", "hub_record",
                            (r.array ? ArrayPrefix(r.facts_line) : "") + facts.status().message()};
      return out;
    }
    facts->content_hash = ingest_util::HashHex(r.text);
    out.facts = std::move(facts.value());
    return out;
  }

 private:
  simdjson::dom::parser parser_;
};

// Reads up to `cap` bytes into `dst`; 0 at the end, -1 on an error.
using ByteSource = std::function<long(char* dst, size_t cap)>;

constexpr size_t kBlock = 4 << 20;

// Splits a stream into records, block by block. Records are views into the
// current buffer, valid until the next Feed, each followed by at least
// SIMDJSON_PADDING readable bytes. Linear in the input: every byte is looked
// at once, whatever the nesting or the block boundaries.
class Splitter {
 public:
  // Appends `n` bytes; `eof` when no more will come. Returns the records
  // completed, in order.
  std::vector<RecordRef> Feed(const char* data, size_t n, bool eof) {
    // Drop what earlier records used; keep the record in progress.
    buf_.resize(buf_.size() - pad_);
    size_t keep = std::min(consumed_, buf_.size());
    if (keep > 0) {
      buf_.erase(0, keep);
      consumed_ = 0;
      pos_ -= std::min(pos_, keep);
      rec_start_ -= std::min(rec_start_, keep);
    }
    buf_.append(data, n);
    size_t data_size = buf_.size();
    pad_ = simdjson::SIMDJSON_PADDING;
    buf_.append(pad_, ' ');
    std::vector<RecordRef> out;
    std::string_view text(buf_.data(), data_size);
    if (mode_ == Mode::kUnknown) Decide(text, eof);
    if (mode_ == Mode::kLines) Lines(text, eof, &out);
    if (mode_ == Mode::kArray) Array(text, eof, &out);
    if (mode_ == Mode::kDone) consumed_ = data_size;
    return out;
  }

 private:
  enum class Mode { kUnknown, kLines, kArray, kDone };

  // The first byte that is not whitespace or a BOM byte decides. Nothing is
  // dropped before it is decided.
  void Decide(std::string_view text, bool eof) {
    for (size_t i = pos_; i < text.size(); ++i) {
      char c = text[i];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\xEF' || c == '\xBB' ||
          c == '\xBF') {
        continue;
      }
      if (c == '[') {
        mode_ = Mode::kArray;
        line_ = 1;
        for (size_t k = 0; k < i; ++k) line_ += text[k] == '\n';
        pos_ = i + 1;
        consumed_ = pos_;
      } else {
        mode_ = Mode::kLines;
        pos_ = 0;
        consumed_ = 0;
      }
      return;
    }
    pos_ = text.size();
    if (eof) mode_ = Mode::kDone;
  }

  // JSON lines: a record per line that is not blank.
  void Lines(std::string_view text, bool eof, std::vector<RecordRef>* out) {
    const size_t n = text.size();
    size_t start = consumed_;
    size_t scan = std::max(pos_, start);
    for (;;) {
      const void* nl = scan < n ? std::memchr(text.data() + scan, '\n', n - scan) : nullptr;
      size_t eol;
      if (nl) {
        eol = static_cast<size_t>(static_cast<const char*>(nl) - text.data());
      } else if (!eof) {
        consumed_ = start;
        pos_ = n;
        return;
      } else if (start < n) {
        eol = n;
      } else {
        mode_ = Mode::kDone;
        return;
      }
      ++line_;
      std::string_view l = text.substr(start, eol - start);
      if (!ingest_util::Trim(l).empty()) {
        RecordRef r;
        r.text = l;
        r.line = line_;
        r.facts_line = line_;
        out->push_back(r);
      }
      start = eol + 1;
      scan = start;
      if (!nl) {
        mode_ = Mode::kDone;
        return;
      }
    }
  }

  // A JSON array: each record runs to the comma or bracket that closes it at
  // depth 0. A stray '}' at depth 0 belongs to the (malformed) record it is
  // in, so the reader always moves on. A record closed by the file's last
  // byte counts as cut (the array never closes).
  void Array(std::string_view text, bool eof, std::vector<RecordRef>* out) {
    const size_t n = text.size();
    size_t i = pos_;
    for (;;) {
      if (!in_record_) {
        for (; i < n; ++i) {
          char c = text[i];
          if (c == '\n') ++line_;
          if (c == ']') {
            mode_ = Mode::kDone;
            return;
          }
          if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',') continue;
          break;
        }
        consumed_ = std::min(i, n);
        if (i >= n) {
          pos_ = i;
          if (eof) mode_ = Mode::kDone;
          return;
        }
        in_record_ = true;
        rec_start_ = i;
        rec_line_ = line_;
        depth_ = 0;
        in_string_ = false;
      }
      bool ended = false, closed = false;
      for (; i < n; ++i) {
        char d = text[i];
        if (d == '\n') ++line_;
        if (in_string_) {
          if (d == '\\') ++i;
          else if (d == '"') in_string_ = false;
          continue;
        }
        if (d == '"') {
          in_string_ = true;
        } else if (d == '{' || d == '[') {
          ++depth_;
        } else if (d == '}' || d == ']') {
          if (depth_ == 0) {
            if (d == ']') {  // the array's own ']'
              ended = true;
              break;
            }
          } else if (--depth_ == 0) {
            ++i;
            ended = closed = true;
            break;
          }
        } else if (depth_ == 0 && d == ',') {
          ended = true;
          break;
        }
      }
      if (!eof && (!ended || (closed && i >= n))) {
        // Wait for more input. A closer that is the last byte so far is
        // scanned again: whether a byte follows it decides if it is cut.
        if (closed) {
          --i;
          ++depth_;
        }
        pos_ = i;
        consumed_ = rec_start_;
        return;
      }
      RecordRef r;
      r.text = text.substr(rec_start_, std::min(i, n) - rec_start_);
      r.line = rec_line_;
      r.facts_line = ++index_;
      r.array = true;
      r.complete = depth_ == 0 && !in_string_ && i < n;
      out->push_back(r);
      in_record_ = false;
      if (i >= n) {
        mode_ = Mode::kDone;
        return;
      }
    }
  }

  Mode mode_ = Mode::kUnknown;
  std::string buf_;
  size_t pad_ = 0;
  size_t consumed_ = 0;  // bytes of buf_ no record in progress needs
  size_t pos_ = 0;       // where scanning resumes in buf_
  int line_ = 0;         // lines: the last line counted; array: the current line
  bool in_record_ = false;  // array: inside a record starting at rec_start_
  size_t rec_start_ = 0;
  int rec_line_ = 1;
  int depth_ = 0;
  bool in_string_ = false;
  int index_ = 0;
};

// Reads the whole stream, parsing on a thread of its own while `sink` takes
// the records in file order.
void ReadStream(const std::string& path, const ByteSource& source, const readers::Sink& sink,
                std::vector<Diagnostic>* diags, const readers::HubReadOptions& options) {
  struct Batch {
    std::vector<Parsed> items;
    bool last = false;
    std::optional<Diagnostic> failure;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Batch> queue;
  bool stop = false;
  constexpr size_t kMaxQueued = 3;

  std::thread producer([&] {
    auto push = [&](Batch b) {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return queue.size() < kMaxQueued || stop; });
      queue.push_back(std::move(b));
      cv.notify_all();
    };
    Batch fail;
    try {
      FastParser parser;
      Splitter splitter;
      std::string block(options.block > 0 ? options.block : kBlock, '\0');
      bool eof = false;
      while (!eof) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (stop) break;
        }
        long got = source(block.data(), block.size());
        if (got < 0) {
          fail.failure = Diagnostic{path, 0, "error", "io",
                                    std::string("read failed: ") + std::strerror(errno)};
          got = 0;
        }
        eof = got == 0;
        std::vector<RecordRef> records = splitter.Feed(block.data(), static_cast<size_t>(got), eof);
        if (records.empty()) continue;
        Batch b;
        b.items.reserve(records.size());
        for (const RecordRef& r : records) {
          if (options.max_record > 0 && r.text.size() > options.max_record) {
            Parsed big;
            big.diag = Diagnostic{
                path, r.line, "error", "too_large",
                (r.array ? ArrayPrefix(r.facts_line) : std::string()) + "record is " +
                    std::to_string(r.text.size()) + " bytes, over the limit of " +
                    std::to_string(options.max_record) +
                    " per document; not read (raise it with ingest --max-document-size BYTES)"};
            b.items.push_back(std::move(big));
            continue;
          }
          b.items.push_back(options.reference ? ReferenceParse(r, path) : parser.Parse(r, path));
        }
        push(std::move(b));
        if (fail.failure) break;
      }
    } catch (const std::exception& e) {
      fail.failure = Diagnostic{path, 0, "error", "io", std::string("read failed: ") + e.what()};
    }
    fail.last = true;
    push(std::move(fail));
  });

  auto finish = [&] {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
      cv.notify_all();
    }
    producer.join();
  };
  try {
    for (;;) {
      Batch b;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return !queue.empty(); });
        b = std::move(queue.front());
        queue.pop_front();
        cv.notify_all();
      }
      for (auto& p : b.items) {
        if (p.diag) diags->push_back(std::move(*p.diag));
        if (p.facts) sink(std::move(*p.facts));
      }
      if (b.failure) diags->push_back(std::move(*b.failure));
      if (b.last) break;
    }
  } catch (...) {
    finish();
    throw;
  }
  finish();
}

}  // namespace

Result<DocumentFacts> ParseHubRecord(std::string_view json_text, const std::string& source,
                                     int line) {
  json rec;
  std::string why;
  if (!ParseRecord(json_text, &rec, &why)) return Status::InvalidInput("not valid JSON: " + why);
  auto facts = hub_facts::FactsFromHub(json_view::NlohmannView(rec), source, line);
  if (facts.ok()) facts->content_hash = ingest_util::HashHex(json_text);
  return facts;
}

namespace readers {

bool IsHubRecordLine(const std::string& line) {
  json j;
  std::string why;
  return ParseRecord(line, &j, &why) && j.is_object() && (j.contains("id") || j.contains("modelId"));
}

std::string SniffJson(const std::string& text) {
  size_t i = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (i == std::string::npos) return "hub";
  if (text[i] == '[') return "hub";
  // An object on the first line with an "id" is a JSON-lines record.
  size_t eol = text.find('\n', i);
  std::string first = text.substr(i, eol == std::string::npos ? std::string::npos : eol - i);
  json j;
  std::string why;
  if (ParseRecord(first, &j, &why) && j.is_object() && (j.contains("id") || j.contains("modelId"))) {
    return "hub";
  }
  json whole;
  if (ParseRecord(text, &whole, &why) && whole.is_object()) {
    bool all_lists = !whole.empty();
    for (const auto& [k, v] : whole.items()) {
      if (k.empty() || k[0] != '_') all_lists = all_lists && v.is_array();
    }
    if (all_lists) return "blocs";
  }
  return "hub";
}

void ReadHubDump(const std::string& path, const std::string& text, const Sink& sink,
                 std::vector<Diagnostic>* diags, const HubReadOptions& options) {
  // A small text needs no 4 MiB block (the fuzz target reads thousands a second).
  HubReadOptions o = options;
  if (o.block == 0) o.block = std::clamp<size_t>(text.size() + 1, 4096, kBlock);
  size_t offset = 0;
  ReadStream(
      path,
      [&](char* dst, size_t cap) -> long {
        size_t n = std::min(cap, text.size() - offset);
        std::memcpy(dst, text.data() + offset, n);
        offset += n;
        return static_cast<long>(n);
      },
      sink, diags, o);
}

Status ReadHubDumpFile(const std::string& path, const Sink& sink, std::vector<Diagnostic>* diags,
                       const HubReadOptions& options) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read '" + path + "': " + std::strerror(errno));
  ReadStream(
      path,
      [fd](char* dst, size_t cap) -> long {
        size_t filled = 0;
        while (filled < cap) {
          ssize_t n = ::read(fd, dst + filled, cap - filled);
          if (n < 0) {
            if (errno == EINTR) continue;
            return filled > 0 ? static_cast<long>(filled) : -1;
          }
          if (n == 0) break;
          filled += static_cast<size_t>(n);
        }
        return static_cast<long>(filled);
      },
      sink, diags, options);
  ::close(fd);
  return Status::Ok();
}

Result<std::string> HashFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot read '" + path + "': " + std::strerror(errno));
  ingest_util::StreamHash h;
  std::string buf(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return Status::IoError("cannot read '" + path + "': " + std::strerror(saved));
    }
    if (n == 0) break;
    h.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return h.Hex();
}

}  // namespace readers

}  // namespace lineage
