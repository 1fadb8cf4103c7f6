#include "lineage/status.h"

namespace lineage {

std::string Status::ToString() const {
  const char* prefix = "";
  switch (code_) {
    case Code::kOk: return "ok";
    case Code::kNotFound: prefix = "not found: "; break;
    case Code::kInvalidInput: prefix = "invalid input: "; break;
    case Code::kCorruption: prefix = "corruption: "; break;
    case Code::kIoError: prefix = "I/O error: "; break;
    case Code::kUnsupported: prefix = "unsupported: "; break;
  }
  return prefix + message_;
}

}  // namespace lineage
