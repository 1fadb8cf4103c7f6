// The on-disk schema of the store, as an ordered list of migrations.
// docs/schema.md documents every table; migrations only ever append.
#ifndef LINEAGE_STORE_SCHEMA_H_
#define LINEAGE_STORE_SCHEMA_H_

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace lineage::schema {

inline constexpr int kApplicationId = 0x4C4E4147;  // "LNAG"

// migrations()[i] brings a store from user_version i to i + 1.
const std::vector<const char*>& Migrations();

// origin_data.name_hash (schema v11): FNV-1a of the origin name's bytes, as a
// signed 32-bit integer (4 bytes in a record). Stored: never change it. The
// migration computes it through the SQL function lineage_name_hash.
inline int32_t NameHash(std::string_view name) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<int32_t>(h);
}

// Registers on `db` an rtrim(X, Y) that returns what SQLite's built-in does,
// without its cost quadratic in the length of Y: the generated column
// artifact.name_key calls it on every artifact write and index build.
// Readers need not register it (the results are the same).
void RegisterFastRtrim(sqlite3* db);

// artifact.pipeline_code, library_code and license_code (schema v13): the
// index of a Hub pipeline tag, library name or licence id in these lists, stored as an integer; any
// other text is stored as text. artifact.pipeline_tag, library_name and license read
// them back through the same lists, spelled out in the v13 migration (a
// CASE in each generated column). Stored: never reorder or remove; append
// only in a new schema version.
inline constexpr const char* kPipelineCodes[] = {
    "text-generation", "text-to-image", "text-classification", "automatic-speech-recognition",
    "image-classification", "token-classification", "object-detection", "feature-extraction",
    "tabular-classification", "text-to-speech", "translation", "reinforcement-learning",
    "summarization", "fill-mask", "sentence-similarity", "image-text-to-text",
    "question-answering", "text2text-generation", "image-to-text", "zero-shot-classification",
    "image-segmentation", "audio-classification", "text-to-audio", "tabular-regression",
    "visual-question-answering", "zero-shot-image-classification", "image-to-image",
    "depth-estimation", "video-classification", "text-to-video", "any-to-any", "robotics",
    "document-question-answering", "mask-generation", "zero-shot-object-detection",
    "image-feature-extraction", "audio-to-audio", "voice-activity-detection",
    "table-question-answering", "unconditional-image-generation", "image-to-video",
    "text-ranking", "keypoint-detection", "video-text-to-text", "image-to-3d", "text-to-3d",
    "time-series-forecasting", "graph-ml", "other"};
inline constexpr const char* kLibraryCodes[] = {
    "transformers", "peft", "diffusers", "sentence-transformers", "stable-baselines3", "ml-agents",
    "sklearn", "keras", "ultralytics", "pytorch", "timm", "gguf", "safetensors", "onnx", "mlx",
    "transformers.js", "adapter-transformers", "spacy", "fastai", "tensorflow", "tf-keras",
    "llama.cpp", "open_clip", "flair", "espnet", "speechbrain", "nemo", "pyannote-audio",
    "sample-factory", "setfit", "coreml", "openvino", "paddlenlp", "fairseq", "span-marker",
    "unity-sentis", "joblib", "scikit-learn", "asteroid", "allennlp", "bertopic", "ctranslate2",
    "lerobot"};
inline constexpr const char* kLicenseCodes[] = {
    "apache-2.0", "mit", "other", "cc-by-nc-4.0", "cc-by-4.0", "openrail", "gpl-3.0", "gemma",
    "bsd-3-clause", "unknown", "llama3.1", "afl-3.0", "llama3", "openrail++", "llama2",
    "llama3.2", "creativeml-openrail-m", "llama3.3", "cc-by-sa-4.0", "cc-by-nc-sa-4.0",
    "cc-by-nc-nd-4.0", "cc-by-nd-4.0", "cc0-1.0", "agpl-3.0", "lgpl-3.0", "gpl-2.0", "lgpl-2.1",
    "bsd-2-clause", "bsd", "mpl-2.0", "artistic-2.0", "wtfpl", "unlicense",
    "bigscience-openrail-m", "bigscience-bloom-rail-1.0", "bigcode-openrail-m", "llama4",
    "cc-by-3.0", "cc-by-sa-3.0", "cc-by-nc-3.0", "cc-by-2.0", "cc-by-nc-2.0", "apple-ascl",
    "deepfloyd-if-license", "odc-by", "odbl", "pddl", "ecl-2.0", "epl-2.0", "eupl-1.1",
    "osl-3.0", "ms-pl", "ncsa", "zlib", "isc", "c-uda", "cdla-permissive-2.0",
    "cdla-sharing-1.0", "gfdl", "lgpl-lr", "h-research"};

// The Unix time of a Hub timestamp to the second, `YYYY-MM-DDTHH:MM:SS.000Z`
// with a real date (years 1000..9999) and time: exactly the texts SQLite's
// strftime('%Y-%m-%dT%H:%M:%S.000Z', t, 'unixepoch') gives back from their
// time, which is how artifact.created_at (v13) and artifact_record.last_modified
// (v12) read stored integers. False for any other text, which stays text.
inline bool HubSeconds(std::string_view s, int64_t* out) {
  if (s.size() != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s.substr(19) != ".000Z") {
    return false;
  }
  auto num = [&s](size_t at, size_t n, int* v) {
    int x = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
  };
  int y, m, d, hh, mm, ss;
  if (!num(0, 4, &y) || !num(5, 2, &m) || !num(8, 2, &d) || !num(11, 2, &hh) ||
      !num(14, 2, &mm) || !num(17, 2, &ss)) {
    return false;
  }
  if (y < 1000 || m < 1 || m > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return false;
  // Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant).
  int64_t yy = m <= 2 ? y - 1 : y;
  int64_t era = yy / 400;  // yy >= 999
  int64_t yoe = yy - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  *out = days * 86400 + hh * 3600 + mm * 60 + ss;
  return true;
}

// The Unix times of the years HubSeconds reads (1000-01-01T00:00:00Z up to,
// not including, 10000-01-01): HubTimeText formats exactly these.
inline constexpr int64_t kHubTimeFirst = -30610224000;
inline constexpr int64_t kHubTimeEnd = 253402300800;

// The text SQLite's strftime('%Y-%m-%dT%H:%M:%S.000Z', t, 'unixepoch') gives
// for a time HubSeconds produced (years 1000..9999), without SQL: a full
// scan formatting 2M created_at values in SQL spent a quarter of `flows`.
// Writes 24 characters to `buf` and returns them.
inline std::string_view HubTimeText(int64_t t, char (&buf)[25]) {
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t secs = t - days * 86400;
  // Civil date of a day count (H. Hinnant), the inverse of HubSeconds'.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  auto put = [&buf](size_t at, size_t n, int64_t v) {
    for (size_t i = n; i-- > 0; v /= 10) buf[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, y);
  buf[4] = '-';
  put(5, 2, m);
  buf[7] = '-';
  put(8, 2, d);
  buf[10] = 'T';
  put(11, 2, secs / 3600);
  buf[13] = ':';
  put(14, 2, secs / 60 % 60);
  buf[16] = ':';
  put(17, 2, secs % 60);
  std::memcpy(buf + 19, ".000Z", 5);
  buf[24] = '\0';
  return std::string_view(buf, 24);
}

}  // namespace lineage::schema

#endif  // LINEAGE_STORE_SCHEMA_H_
