// Text for a terminal: untrusted strings (ids, licences, card text) must not
// drive the terminal. Private to the command layer.
#ifndef LINEAGE_SRC_CLI_TERMINAL_TEXT_H_
#define LINEAGE_SRC_CLI_TERMINAL_TEXT_H_

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>

namespace lineage::cli {

// Escapes what a terminal would act on: C0 controls but newline and tab
// (ESC, BEL, CR, ...) and DEL as \xHH; C1 controls and the bidi overrides and
// isolates (U+202A-U+202E, U+2066-U+2069) as \u{HHHH}; bytes that are not
// UTF-8 as \xHH. Everything else, UTF-8 included, passes unchanged.
std::string TerminalSafe(const std::string& text);

// An ostream filter applying TerminalSafe to all that passes through, on its
// way to `dest` (flushed, a cut UTF-8 sequence included, on destruction).
class TerminalSafeStream : public std::ostream {
 public:
  explicit TerminalSafeStream(std::ostream& dest);
  ~TerminalSafeStream() override;

 private:
  class Buf;
  std::unique_ptr<Buf> buf_;
};

}  // namespace lineage::cli

#endif  // LINEAGE_SRC_CLI_TERMINAL_TEXT_H_
