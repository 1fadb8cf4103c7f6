// Signals read from text: card bodies, config fingerprints, name tokens.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <sstream>

#include "lineage/infer.h"

namespace lineage {

namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool IdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// The text after the front matter (the whole text when there is none).
std::string_view Body(std::string_view text) {
  size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < text.size() && (text[pos] == '\n' || text[pos] == '\r' || text[pos] == ' ')) ++pos;
  if (text.substr(pos, 3) != "---") return text;
  size_t eol = text.find('\n', pos);
  while (eol != std::string_view::npos) {
    size_t start = eol + 1;
    size_t next = text.find('\n', start);
    std::string_view line = text.substr(start, (next == std::string_view::npos ? text.size() : next) - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line == "---" || line == "...") {
      return next == std::string_view::npos ? std::string_view() : text.substr(next + 1);
    }
    eol = next;
  }
  return std::string_view();
}

int LineAt(std::string_view text, size_t pos) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
}

// Path segments of huggingface.co that are not model namespaces.
bool ReservedNamespace(const std::string& ns) {
  static const std::set<std::string> kReserved = {
      "datasets", "spaces",   "docs",  "blog", "papers", "collections", "models", "api",
      "settings", "join",     "login", "new",  "organizations", "tasks", "chat", "learn",
      "pricing",  "enterprise", "posts", "search", "inference-endpoints", "terms-of-service",
      "privacy",  "huggingface", "transformers"};
  return kReserved.count(ns) > 0;
}

// Hub model ids in `text` written as huggingface.co / hf.co URLs.
void FindLinks(std::string_view text, std::vector<std::pair<size_t, std::string>>* out) {
  for (std::string_view host : {"huggingface.co/", "hf.co/"}) {
    size_t pos = 0;
    while ((pos = text.find(host, pos)) != std::string_view::npos) {
      size_t start = pos + host.size();
      pos = start;
      // "hf.co/" inside "xhf.co/" is another host.
      if (host[0] == 'h' && start > host.size() && host == "hf.co/" &&
          std::isalnum(static_cast<unsigned char>(text[start - host.size() - 1]))) {
        continue;
      }
      size_t a = start;
      while (a < text.size() && IdChar(text[a])) ++a;
      if (a >= text.size() || text[a] != '/') continue;
      size_t b = a + 1;
      while (b < text.size() && IdChar(text[b])) ++b;
      std::string ns(text.substr(start, a - start));
      std::string name(text.substr(a + 1, b - a - 1));
      while (!name.empty() && (name.back() == '.' || name.back() == '-')) name.pop_back();
      if (ns.empty() || name.empty() || ReservedNamespace(LowerAscii(ns))) continue;
      out->emplace_back(start, ns + "/" + name);
    }
  }
}

struct Trigger {
  const char* text;  // lower case (ASCII) or UTF-8 Chinese
  bool chinese;
};

// Phrases that name what a model was made from. Not "trained on" or
// "fine-tuned on", which name datasets far more often than models.
const Trigger kTriggers[] = {
    {"fine-tuned from", false},     {"finetuned from", false},   {"fine tuned from", false},
    {"fine-tuned version of", false}, {"finetuned version of", false},
    {"fine-tune of", false},        {"finetune of", false},      {"fine-tuned on top of", false},
    {"based on", false},            {"built upon", false},       {"built on top of", false},
    {"built on", false},            {"built with", false},       {"trained from", false},
    {"trained on top of", false},   {"initialized from", false}, {"initialised from", false},
    {"continued pre-training of", false}, {"continued pretraining of", false},
    {"continually pre-trained from", false}, {"derived from", false},
    {"distilled from", false},      {"base model:", false},      {"base model |", false},
    {"base model is", false},       {"基于", true},              {"在", true},
    {"以", true},
};

// Where the captured text ends: a sentence or clause boundary.
size_t CaptureEnd(std::string_view body, size_t from, bool chinese) {
  size_t limit = std::min(body.size(), from + 160);
  size_t i = from;
  while (i < limit) {
    char c = body[i];
    if (c == '\n' || c == ',' || c == ';' || c == '!' || c == '?') break;
    if (c == '|' && i > from + 1) break;
    if (c == '.' && (i + 1 >= body.size() || body[i + 1] == ' ' || body[i + 1] == '\n' ||
                     body[i + 1] == '\r')) {
      break;
    }
    // Chinese punctuation and the verbs that close "基于 X 训练".
    for (std::string_view stop : {"\xEF\xBC\x8C" /*，*/, "\xE3\x80\x82" /*。*/,
                                  "\xEF\xBC\x9B" /*；*/, "\xE3\x80\x81" /*、*/,
                                  "\xE8\xAE\xAD\xE7\xBB\x83" /*训练*/, "\xE5\xBE\xAE\xE8\xB0\x83" /*微调*/,
                                  "\xE8\xBF\x9B\xE8\xA1\x8C" /*进行*/, "\xE5\xBC\x80\xE5\x8F\x91" /*开发*/,
                                  "\xE6\x9E\x84\xE5\xBB\xBA" /*构建*/, "\xE4\xB8\xBA" /*为*/,
                                  "\xE7\x9A\x84\xE5\x9F\xBA" /*的基*/, "\xE5\x9F\xBA\xE7\xA1\x80" /*基础*/}) {
      if (body.substr(i, stop.size()) == stop && (chinese || stop.size() == 3)) return i;
    }
    ++i;
  }
  return i;
}

std::string Clean(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '*' || c == '`' || c == '"' || c == '[' || c == ']' || c == '(' || c == ')' ||
        c == '|' || c == '>' || c == '\t' || c == '\r') {
      c = ' ';
    }
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string EncodeFingerprint(const ConfigFingerprint& f) {
  std::ostringstream os;
  os << "model_type=" << f.model_type << ";hidden_size=" << f.hidden_size
     << ";intermediate_size=" << f.intermediate_size << ";num_hidden_layers=" << f.num_hidden_layers
     << ";num_attention_heads=" << f.num_attention_heads
     << ";num_key_value_heads=" << f.num_key_value_heads << ";vocab_size=" << f.vocab_size
     << ";rope_theta=" << f.rope_theta
     << ";max_position_embeddings=" << f.max_position_embeddings;
  return os.str();
}

ConfigFingerprint DecodeFingerprint(std::string_view text) {
  ConfigFingerprint f;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t semi = text.find(';', pos);
    if (semi == std::string_view::npos) semi = text.size();
    std::string_view kv = text.substr(pos, semi - pos);
    pos = semi + 1;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key(kv.substr(0, eq));
    std::string value(kv.substr(eq + 1));
    auto num = [&value]() { return std::strtoll(value.c_str(), nullptr, 10); };
    if (key == "model_type") f.model_type = value;
    else if (key == "hidden_size") f.hidden_size = num();
    else if (key == "intermediate_size") f.intermediate_size = num();
    else if (key == "num_hidden_layers") f.num_hidden_layers = num();
    else if (key == "num_attention_heads") f.num_attention_heads = num();
    else if (key == "num_key_value_heads") f.num_key_value_heads = num();
    else if (key == "vocab_size") f.vocab_size = num();
    else if (key == "rope_theta") f.rope_theta = std::strtod(value.c_str(), nullptr);
    else if (key == "max_position_embeddings") f.max_position_embeddings = num();
  }
  return f;
}

std::vector<Signal> CardBodySignals(std::string_view card_text, const std::string& self,
                                    const std::string& source) {
  std::vector<Signal> out;
  std::string_view body = Body(card_text);
  if (body.empty()) return out;
  size_t body_offset = static_cast<size_t>(body.data() - card_text.data());
  std::string self_key = IdKey(self);
  std::set<std::string> seen;
  std::vector<std::pair<size_t, std::string>> links;
  FindLinks(body, &links);
  for (const auto& [pos, id] : links) {
    std::string key = IdKey(id);
    if (key == self_key || !seen.insert(key).second) continue;
    out.push_back(Signal{kSignalBodyLink, id, source, LineAt(card_text, body_offset + pos), ""});
  }
  std::string lower = LowerAscii(body);
  std::set<std::string> seen_phrases;
  for (const Trigger& t : kTriggers) {
    std::string_view trig = t.text;
    size_t pos = 0;
    int found = 0;
    while ((pos = lower.find(trig, pos)) != std::string::npos && found < 8) {
      size_t start = pos + trig.size();
      if (!t.chinese && pos > 0 && std::isalnum(static_cast<unsigned char>(lower[pos - 1]))) {
        pos = start;
        continue;
      }
      // "based on the 7B size" is not a model; the capture is checked later
      // against the families and Hub ids, this only skips filler.
      size_t s = start;
      while (s < lower.size() && (lower[s] == ' ' || lower[s] == ':' || lower[s] == '*' ||
                                  lower[s] == '[' || lower[s] == '`' || lower[s] == '"' ||
                                  lower[s] == '|')) {
        ++s;
      }
      for (std::string_view filler : {"the ", "a ", "an ", "our ", "top of "}) {
        if (std::string_view(lower).substr(s, filler.size()) == filler) s += filler.size();
      }
      size_t end = CaptureEnd(body, s, t.chinese);
      pos = start;
      if (end <= s) continue;
      // A markdown link's URL belongs to the capture even past a '.'.
      std::string captured = Clean(body.substr(s, end - s));
      size_t paren = body.find("](", s);
      if (paren != std::string_view::npos && paren < end + 2) {
        size_t close = body.find(')', paren);
        if (close != std::string_view::npos && close < s + 300) {
          captured = Clean(body.substr(s, close + 1 - s));
        }
      }
      if (captured.empty() || captured.size() > 200) continue;
      if (t.chinese) {
        // "在 X 基础上" and "以 X 为基座" need their closing words.
        if (trig == "\xE5\x9C\xA8" || trig == "\xE4\xBB\xA5") {
          std::string_view rest = body.substr(end, 12);
          bool closes = rest.find("\xE5\x9F\xBA") != std::string_view::npos;  // 基
          if (!closes) continue;
        }
      }
      if (!seen_phrases.insert(std::string(trig) + "\n" + captured).second) continue;
      ++found;
      out.push_back(Signal{kSignalBodyPhrase, captured, source,
                           LineAt(card_text, body_offset + start), std::string(trig)});
    }
  }
  return out;
}

NameTokens ReadNameTokens(std::string_view name) {
  NameTokens t;
  std::string n = LowerAscii(name);
  size_t slash = n.rfind('/');
  if (slash != std::string::npos) n = n.substr(slash + 1);
  // Split on separators; a size token is digits[.digits][x digits]b|m.
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : n) {
    if (c == '-' || c == '_' || c == ' ' || c == '/') {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  auto is_size = [](const std::string& s) {
    if (s.size() < 2) return false;
    char unit = s.back();
    if (unit != 'b' && unit != 'm') return false;
    std::string num = s.substr(0, s.size() - 1);
    size_t x = num.find('x');
    auto digits = [](const std::string& d) {
      if (d.empty() || !std::isdigit(static_cast<unsigned char>(d[0]))) return false;
      return std::all_of(d.begin(), d.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
      });
    };
    if (x != std::string::npos) return digits(num.substr(0, x)) && digits(num.substr(x + 1));
    return digits(num);
  };
  auto is_context = [](const std::string& s) {
    // 32k, 200k, 128k, 1m: digits then k or m.
    if (s.size() < 2 || (s.back() != 'k' && s.back() != 'm')) return false;
    return std::all_of(s.begin(), s.end() - 1,
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  for (const auto& tok : tokens) {
    if (t.size.empty() && is_size(tok)) {
      t.size = tok;
      continue;
    }
    if (!t.size.empty() && t.context.empty() && is_context(tok)) t.context = tok;
    if (tok.size() >= 2 && tok[0] == 'v' && std::isdigit(static_cast<unsigned char>(tok[1])) &&
        tok.find('.') != std::string::npos) {
      t.versions.push_back(tok);
    }
    // "llama3-8b" or "qwen2.5-7b" keep the size in its own token; "llama3.1-8b-it" too.
    std::string v;
    // "sft", "dpo", "rlhf" say how this model was tuned, not which base it started from.
    if (tok == "instruct" || tok == "it") {
      v = "instruct";
    } else if (tok == "chat") {
      v = "chat";
    } else if (tok == "base") {
      v = "base";
    } else if (tok == "coder" || tok == "code") {
      v = "coder";
    } else if (tok == "math") {
      v = "math";
    } else if (tok == "vl" || tok == "vision") {
      v = "vision";
    }
    if (!v.empty() && std::find(t.variants.begin(), t.variants.end(), v) == t.variants.end()) {
      t.variants.push_back(v);
    }
  }
  return t;
}

namespace {

// A quantization or format token of a repo name, lower case.
bool IsFormatToken(std::string_view tok) {
  static const std::set<std::string, std::less<>> kFormat = {
      "gguf", "ggml", "gptq", "awq", "exl2", "exl3", "bnb", "4bit", "8bit", "int4", "int8",
      "fp8", "fp16", "bf16", "i1", "imatrix", "mlx", "onnx", "quantized", "nf4", "hqq",
      "w4a16", "w8a8", "q4", "q8", "q4_k_m", "q5_k_m", "q8_0", "q6_k", "q4_0", "4bits", "8bits",
      "bnb4", "unsloth", "gptq-int4", "mlc", "openvino", "ct2"};
  if (kFormat.count(tok)) return true;
  // 4.0bpw, 6h, 3.8bpw, 4bpw-h6
  auto ends = [&tok](std::string_view s) {
    return tok.size() > s.size() && tok.compare(tok.size() - s.size(), s.size(), s) == 0 &&
           std::isdigit(static_cast<unsigned char>(tok[0]));
  };
  return ends("bpw") || ends("bit") || ends("bits") ||
         (tok.size() <= 3 && tok.size() >= 2 && tok[0] == 'h' &&
          std::isdigit(static_cast<unsigned char>(tok[1]))) ||
         (tok.size() == 2 && tok[1] == 'h' && std::isdigit(static_cast<unsigned char>(tok[0])));
}

}  // namespace

bool EndsWithFormatToken(std::string_view name) {
  size_t sep = name.rfind('-');
  if (sep == std::string_view::npos || name.find('/', sep) != std::string_view::npos) return false;
  char buf[32];
  std::string_view tok = name.substr(sep + 1);
  if (tok.size() > sizeof buf) return IsFormatToken(LowerAscii(tok));
  for (size_t i = 0; i < tok.size(); ++i) {
    char c = tok[i];
    buf[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  return IsFormatToken(std::string_view(buf, tok.size()));
}

std::string StripFormatSuffix(std::string_view name) {
  std::string n = LowerAscii(name);
  size_t slash = n.rfind('/');
  if (slash != std::string::npos) n = n.substr(slash + 1);
  std::string cur = n;
  bool stripped = false;
  while (true) {
    size_t sep = cur.rfind('-');
    if (sep == std::string::npos) break;
    std::string tok = cur.substr(sep + 1);
    if (!IsFormatToken(tok)) break;
    cur = cur.substr(0, sep);
    stripped = true;
  }
  return stripped && !cur.empty() ? cur : std::string();
}

}  // namespace lineage
