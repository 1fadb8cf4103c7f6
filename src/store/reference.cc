// Reference data: base-model families and known base checkpoints.
#include "store/internal.h"

namespace lineage {

Status Store::UpsertFamily(const Family& f, const std::string& origin) {
  try {
    if (impl_->KeepUserRow(origin, "family", "slug", IdKey(f.slug))) return Status::Ok();
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO family(slug, name, publisher, canonical_base, "
                         "name_patterns, licenses, source, origin) VALUES(?,?,?,?,?,?,?,?)");
    st.bind(1, IdKey(f.slug));
    st.bind(2, f.name);
    st.bind(3, f.publisher);
    st.bind(4, f.canonical_base);
    st.bind(5, JoinLines(f.name_patterns));
    st.bind(6, JoinLines(f.licenses));
    st.bind(7, f.source);
    st.bind(8, origin);
    st.exec();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("family write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::UpsertKnownBase(const KnownBase& b, const std::string& origin) {
  try {
    if (impl_->KeepUserRow(origin, "known_base", "key", IdKey(b.id))) return Status::Ok();
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO known_base(key, display, family, params, variant, "
                         "license, created_at, model_type, hidden_size, intermediate_size, "
                         "num_hidden_layers, num_attention_heads, num_key_value_heads, vocab_size, "
                         "rope_theta, max_position_embeddings, source, config_source, origin) "
                         "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    const ConfigFingerprint& c = b.config;
    st.bind(1, IdKey(b.id));
    st.bind(2, b.id);
    st.bind(3, IdKey(b.family));
    st.bind(4, b.params);
    st.bind(5, b.variant);
    st.bind(6, b.license);
    st.bind(7, b.created_at);
    st.bind(8, c.model_type);
    st.bind(9, c.hidden_size);
    st.bind(10, c.intermediate_size);
    st.bind(11, c.num_hidden_layers);
    st.bind(12, c.num_attention_heads);
    st.bind(13, c.num_key_value_heads);
    st.bind(14, c.vocab_size);
    st.bind(15, c.rope_theta);
    st.bind(16, c.max_position_embeddings);
    st.bind(17, b.source);
    st.bind(18, b.config_source);
    st.bind(19, origin);
    st.exec();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("known base write failed: ") + e.what());
  }
  return Status::Ok();
}

Result<std::vector<Family>> Store::Families() const {
  std::vector<Family> out;
  try {
    SQLite::Statement st(*impl_->db,
                         "SELECT slug, name, publisher, canonical_base, name_patterns, licenses, "
                         "source FROM family ORDER BY slug");
    while (st.executeStep()) {
      Family f;
      f.slug = ColText(st, 0);
      f.name = ColText(st, 1);
      f.publisher = ColText(st, 2);
      f.canonical_base = ColText(st, 3);
      f.name_patterns = SplitLines(ColText(st, 4));
      f.licenses = SplitLines(ColText(st, 5));
      f.source = ColText(st, 6);
      out.push_back(std::move(f));
    }
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
  return out;
}

Result<std::vector<KnownBase>> Store::KnownBases() const {
  std::vector<KnownBase> out;
  try {
    SQLite::Statement st(*impl_->db,
                         "SELECT display, family, params, variant, license, created_at, "
                         "model_type, hidden_size, intermediate_size, num_hidden_layers, "
                         "num_attention_heads, num_key_value_heads, vocab_size, rope_theta, "
                         "max_position_embeddings, source, config_source FROM known_base "
                         "ORDER BY key");
    while (st.executeStep()) {
      KnownBase b;
      b.id = ColText(st, 0);
      b.family = ColText(st, 1);
      b.params = ColText(st, 2);
      b.variant = ColText(st, 3);
      b.license = ColText(st, 4);
      b.created_at = ColText(st, 5);
      b.config.model_type = ColText(st, 6);
      b.config.hidden_size = st.getColumn(7).getInt64();
      b.config.intermediate_size = st.getColumn(8).getInt64();
      b.config.num_hidden_layers = st.getColumn(9).getInt64();
      b.config.num_attention_heads = st.getColumn(10).getInt64();
      b.config.num_key_value_heads = st.getColumn(11).getInt64();
      b.config.vocab_size = st.getColumn(12).getInt64();
      b.config.rope_theta = st.getColumn(13).getDouble();
      b.config.max_position_embeddings = st.getColumn(14).getInt64();
      b.source = ColText(st, 15);
      b.config_source = ColText(st, 16);
      out.push_back(std::move(b));
    }
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
  return out;
}

}  // namespace lineage

namespace lineage {

Status Store::AddModelAlias(const std::string& old_id, const std::string& new_id,
                           const std::string& source, const std::string& origin) {
  try {
    if (impl_->KeepUserRow(origin, "model_alias", "old_key", IdKey(old_id))) return Status::Ok();
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO model_alias(old_key, new_display, source, origin) "
                         "VALUES(?,?,?,?)");
    st.bind(1, IdKey(old_id));
    st.bind(2, new_id);
    st.bind(3, source);
    st.bind(4, origin);
    st.exec();
    impl_->model_aliases_loaded = false;
    impl_->id_cache.Release();
    impl_->id_cache_complete = false;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("model alias write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::SetMeta(const std::string& key, const std::string& value) {
  try {
    SQLite::Statement st(*impl_->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)");
    st.bind(1, key);
    st.bind(2, value);
    st.exec();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store write failed: ") + e.what());
  }
  return Status::Ok();
}

Result<std::string> Store::Meta(const std::string& key) const {
  try {
    SQLite::Statement st(*impl_->db, "SELECT value FROM meta WHERE key=?");
    st.bind(1, key);
    if (st.executeStep()) return ColText(st, 0);
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
  return std::string();
}

}  // namespace lineage
