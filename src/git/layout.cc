// Where repositories are (folders), what they are called (remotes, folder
// layout), and which files are weights with LFS pointers.
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "git/internal.h"

namespace lineage {

namespace fs = std::filesystem;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsHexLower(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Result<LfsObject> ParseLfsPointer(std::string_view text, const std::string& source) {
  constexpr std::string_view kMagic = "version https://git-lfs";
  if (text.substr(0, kMagic.size()) != kMagic) {
    return Status::NotFound(source + ": not a Git LFS pointer");
  }
  auto bad = [&source](int line, const std::string& why) {
    return Status::InvalidInput(source + ":" + std::to_string(line) + ": Git LFS pointer: " + why);
  };
  LfsObject out;
  bool have_oid = false, have_size = false;
  int line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view l =
        text.substr(pos, (eol == std::string_view::npos ? text.size() : eol) - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) continue;
    size_t space = l.find(' ');
    if (space == std::string_view::npos) return bad(line, "line is not 'key value'");
    std::string_view key = l.substr(0, space);
    std::string_view value = l.substr(space + 1);
    if (line == 1) {
      if (key != "version" || (value != "https://git-lfs.github.com/spec/v1" &&
                               value != "https://hawser.github.com/spec/v1")) {
        return bad(line, "unknown version '" + std::string(value) + "'");
      }
    } else if (key == "oid") {
      if (value.substr(0, 7) != "sha256:" || value.size() != 7 + 64 ||
          !IsHexLower(value.substr(7))) {
        return bad(line, "oid '" + std::string(value) + "' is not sha256:<64 hex digits>");
      }
      out.oid = std::string(value);
      have_oid = true;
    } else if (key == "size") {
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return bad(line, "size '" + std::string(value) + "' is not a byte count");
      }
      out.size = std::stoll(std::string(value));
      have_size = true;
    }
    // Other keys (ext-0-..., extensions) are allowed by the spec and not needed.
  }
  if (!have_oid) return bad(1, "no 'oid' line");
  if (!have_size) return bad(1, "no 'size' line");
  return out;
}

bool IsWeightFile(std::string_view path) {
  std::string name =
      Lower(path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1));
  // Trainer state travels with checkpoints but is not the model.
  static constexpr std::string_view kNotWeights[] = {"training_args.bin", "optimizer.pt",
                                                     "optimizer.bin",     "scheduler.pt",
                                                     "scaler.pt",         "trainer_state.json"};
  for (auto n : kNotWeights) {
    if (name == n) return false;
  }
  if (name.rfind("rng_state", 0) == 0) return false;
  static constexpr std::string_view kExtensions[] = {
      ".safetensors", ".bin",     ".pt",       ".pth",       ".ckpt",     ".gguf", ".ggml",
      ".h5",          ".msgpack", ".onnx",     ".onnx_data", ".tflite",   ".npz",  ".ot",
      ".keras",       ".nemo",    ".pdparams", ".mlpackage", ".llamafile"};
  for (auto ext : kExtensions) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      return true;
    }
  }
  return false;
}

bool IsGitRepository(const std::string& path) {
  // Two stats for a folder that is not a repository: this runs on every
  // folder of a large card tree while detecting what a path holds.
  std::error_code ec;
  fs::path p(path);
  if (fs::exists(p / ".git", ec)) return true;
  return fs::is_regular_file(p / "HEAD", ec) && fs::is_directory(p / "objects", ec) &&
         fs::is_directory(p / "refs", ec);
}

std::vector<std::string> FindGitRepositories(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  auto subfolders = [](const fs::path& dir) {
    std::vector<fs::path> dirs;
    std::error_code e;
    for (fs::directory_iterator it(dir, e), end; !e && it != end; it.increment(e)) {
      std::string name = it->path().filename().string();
      if (name.empty() || name[0] == '.') continue;
      std::error_code e2;
      if (it->is_directory(e2)) dirs.push_back(it->path());
    }
    return dirs;
  };
  if (!fs::is_directory(root, ec)) return out;
  for (const fs::path& level1 : subfolders(root)) {
    if (IsGitRepository(level1.string())) {
      out.push_back(level1.string());
      continue;
    }
    for (const fs::path& level2 : subfolders(level1)) {
      if (IsGitRepository(level2.string())) out.push_back(level2.string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace git {

std::optional<std::string> HubIdFromRemote(std::string_view url) {
  std::string s(url);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::string lower = Lower(s);
  for (const char* scheme : {"https://", "http://", "ssh://", "git://"}) {
    if (lower.rfind(scheme, 0) == 0) {
      s = s.substr(std::string_view(scheme).size());
      break;
    }
  }
  // Drop user info (a token in https://user:token@huggingface.co/... must never be kept).
  size_t at = s.find('@');
  size_t first_slash = s.find('/');
  if (at != std::string::npos && (first_slash == std::string::npos || at < first_slash)) {
    s = s.substr(at + 1);
  }
  // scp-like syntax: hf.co:ORG/NAME.
  size_t colon = s.find(':');
  first_slash = s.find('/');
  if (colon != std::string::npos && (first_slash == std::string::npos || colon < first_slash)) {
    std::string after = s.substr(colon + 1);
    bool port = !after.empty() && std::isdigit(static_cast<unsigned char>(after[0]));
    if (port) {
      size_t slash = after.find('/');
      after = slash == std::string::npos ? "" : after.substr(slash + 1);
    }
    s = s.substr(0, colon) + "/" + after;
  }
  lower = Lower(s);
  std::string rest;
  for (const char* host : {"huggingface.co/", "www.huggingface.co/", "hf.co/"}) {
    if (lower.rfind(host, 0) == 0) {
      rest = s.substr(std::string_view(host).size());
      break;
    }
  }
  if (rest.empty()) return std::nullopt;
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.size() > 4 && Lower(rest.substr(rest.size() - 4)) == ".git")
    rest.resize(rest.size() - 4);
  auto ref = ParseHubRef(rest);
  if (!ref.ok() || !ref->qualified) return std::nullopt;
  return ref->id;
}

std::optional<std::string> IdFromFolder(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (p.filename().empty()) p = p.parent_path();
  if (p.filename() == ".git") p = p.parent_path();
  std::string name = p.filename().string();
  if (name.size() > 4 && Lower(name.substr(name.size() - 4)) == ".git")
    name.resize(name.size() - 4);
  std::string ns = p.parent_path().filename().string();
  if (ns.empty() || name.empty()) return std::nullopt;
  auto ref = ParseHubRef(ns + "/" + name);
  if (!ref.ok() || !ref->qualified) return std::nullopt;
  return ref->id;
}

Result<std::string> ChooseId(const Repo& repo, const std::string& path,
                             const std::string& explicit_id, std::string* how) {
  if (!explicit_id.empty()) {
    auto ref = ParseHubRef(explicit_id);
    if (!ref.ok() || !ref->qualified) {
      return Status::InvalidInput("--id '" + explicit_id + "' is not NAMESPACE/NAME");
    }
    *how = "--id";
    return ref->id;
  }
  for (const std::string& url : repo.RemoteUrls()) {
    if (auto id = HubIdFromRemote(url)) {
      *how = "remote " + *id;
      return *id;
    }
  }
  if (auto id = IdFromFolder(path)) {
    *how = "folder " + *id;
    return *id;
  }
  return Status::InvalidInput("cannot tell the id of the repository '" + path +
                              "': it has no huggingface.co remote and its folders are not "
                              "NAMESPACE/NAME (pass --id NAMESPACE/NAME)");
}

}  // namespace git

}  // namespace lineage
