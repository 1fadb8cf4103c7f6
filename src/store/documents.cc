// Document writes inside a run: artifacts, edges and evidence, tables and layers.
#include "store/internal.h"

namespace lineage {

Status Store::ApplyDocument(const DocumentFacts& facts) {
  auto& im = *impl_;
  if (!im.txn) return Status::InvalidInput("ApplyDocument outside an ingest run");
  try {
    im.select_document->reset();
    Store::Impl::BindOriginName(*im.select_document, facts.origin);
    bool looked = im.OriginMayExist(facts.origin);
    bool existed = looked && im.select_document->executeStep();
    bool same = existed && !im.select_document->getColumn(0).isNull() &&
                ColText(*im.select_document, 0) == facts.content_hash;
    int64_t known_origin = existed ? im.select_document->getColumn(1).getInt64() : 0;
    im.select_document->reset();
    if (same) {
      ++im.counts.unchanged;
      return Status::Ok();
    }
    if (existed) im.RemoveOrigin(facts.origin);
    // The document's rows name its file once, here, and inherit it.
    const std::string* source = nullptr;
    if (facts.artifact && !facts.artifact->source.empty()) source = &facts.artifact->source;
    for (const Edge& e : facts.edges) {
      if (source) break;
      if (!e.evidence.empty()) source = &e.evidence.front().source;
    }
    if (!source && !facts.signals.empty()) source = &facts.signals.front().source;
    int64_t origin_id =
        im.SetOrigin(facts.origin, source ? *source : std::string(), existed ? known_origin : -1,
                     /*defer=*/true);
    ++im.counts.documents;
    im.MaybeBeginBulk();
    int64_t declared_row = 0;
    if (facts.artifact) {
      im.MaterializeRecords(*facts.artifact);
      declared_row = im.UpsertDeclared(*facts.artifact, facts.origin);
      im.PutRecord(declared_row, *facts.artifact, facts.origin);
      im.run_artifacts.Add(IdKey(facts.artifact->id));
    }
    for (const Signal& sig : facts.signals) {
      if (!declared_row) break;
      const auto& o = im.Origin(facts.origin);
      auto& st = *im.insert_signal;
      st.reset();
      st.bind(1, o.id);
      st.bind(2, declared_row);
      st.bind(3, im.KindCode(sig.kind));
      st.bind(4, sig.value);
      Store::Impl::BindSource(st, 5, sig.source, o);
      st.bind(6, sig.line);
      st.bind(7, sig.detail);
      st.exec();
    }
    for (const Edge& e : facts.edges) {
      // A curated edge file changes its children's declared parents.
      if (!facts.artifact) im.run_artifacts.Add(IdKey(e.child));
      int64_t child = im.GetOrCreate(e.child, ArtifactKind::kModel);
      ArtifactKind pkind = e.relation == Relation::kTrainedOn   ? ArtifactKind::kDataset
                           : e.relation == Relation::kDependsOn ? ArtifactKind::kSoftware
                                                                : ArtifactKind::kModel;
      int64_t parent = im.GetOrCreate(e.parent, pkind);
      im.AddEdgeEvidence(child, parent, facts.origin, e.evidence);
    }
    for (const PendingRef& p : facts.pending) {
      if (!facts.artifact) continue;
      int64_t child = im.GetOrCreate(facts.artifact->id, facts.artifact->kind);
      auto& st = *im.insert_pending;
      st.reset();
      st.bind(1, facts.origin);
      st.bind(2, child);
      st.bind(3, p.name);
      st.bind(4, p.evidence.kind);
      st.bind(5, p.evidence.source);
      st.bind(6, p.evidence.line);
      st.bind(7, p.evidence.detail);
      st.bind(8, static_cast<int>(p.evidence.relation));
      st.bind(9, p.evidence.relation_inferred ? 1 : 0);
      st.bind(10, p.evidence.confidence);
      st.exec();
    }
    // A pathological document (a card with 200,000 bad lines) must not flood
    // the store: the first ones say what is wrong, a last one how many more.
    size_t shown = std::min(facts.diagnostics.size(), kMaxDiagnosticsPerDocument);
    for (size_t i = 0; i < shown; ++i) im.AddDiagnostic(facts.origin, facts.diagnostics[i]);
    if (facts.diagnostics.size() > shown) {
      const Diagnostic& last = facts.diagnostics[shown];
      im.AddDiagnostic(facts.origin,
                       {last.source, last.line, "warning", "too_many_diagnostics",
                        std::to_string(facts.diagnostics.size() - shown) +
                            " more diagnostics in this document were not recorded"});
    }
    // A new document's origin row is written here, once, with its final
    // values; a known one is updated.
    const bool pending = im.pending_origin.id == origin_id;
    auto& doc = pending ? *im.insert_document : *im.upsert_document;
    doc.reset();
    BindDocumentHash(doc, 1, facts.content_hash);
    doc.bind(2, im.run_id);
    doc.bind(3, origin_id);
    doc.bind(4);
    doc.bind(5);
    if (pending) {
      doc.bind(6, im.pending_origin.hash);
      doc.bind(7, im.pending_origin.name);
      im.BindOriginSource(doc, 8, im.pending_origin.source);
    }
    // A name "prefix:KEY suffix" where KEY is the declared artifact's id key
    // (hub:<key>@<tag>, card:<key>) is kept as that artifact and a form
    // (schema v11); the artifact row's key never changes.
    if (declared_row) {
      doc.bind(4, declared_row);
      std::string key = IdKey(facts.artifact->id);
      if (const std::string* renamed = im.RenamedTo(key)) key = IdKey(*renamed);
      size_t colon = facts.origin.find(':');
      if (colon != std::string::npos && !key.empty() &&
          facts.origin.compare(colon + 1, key.size(), key) == 0) {
        doc.bind(5, im.OriginForm(facts.origin.substr(0, colon + 1),
                                  facts.origin.substr(colon + 1 + key.size())));
      }
    }
    doc.exec();
    im.pending_origin = Store::Impl::PendingOrigin{};
  } catch (const SQLite::Exception& e) {
    im.pending_origin = Store::Impl::PendingOrigin{};
    im.ResetAll();
    return Status::IoError("store write failed for " + facts.origin + ": " + e.what());
  }
  return Status::Ok();
}

Status Store::UpsertOrganization(const Organization& org, const std::string& origin) {
  try {
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO organization_layer(namespace, origin, seq, display, "
                         "organization, country, kind, source, source_kind, checked, parent) "
                         "VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, IdKey(org.ns));
    st.bind(2, origin);
    st.bind(3, impl_->NextSeq(origin));
    st.bind(4, org.ns);
    st.bind(5, org.name);
    st.bind(6, org.country);
    st.bind(7, org.kind);
    st.bind(8, org.source);
    st.bind(9, org.source_kind);
    st.bind(10, org.checked);
    st.bind(11, org.parent);
    st.exec();
    impl_->layers_changed = true;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("organization write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::UpsertLicense(const LicenseTerms& t, const std::string& origin) {
  try {
    if (impl_->KeepUserRow(origin, "license", "id", IdKey(t.id))) return Status::Ok();
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO license(id, name, family, spdx, url, commercial, "
                         "user_threshold, attribution, naming_prefix, pass_on, share_alike, "
                         "non_commercial, no_derivatives, output_restriction, source, note, "
                         "origin) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, IdKey(t.id));
    st.bind(2, t.name);
    st.bind(3, t.family);
    st.bind(4, t.spdx);
    st.bind(5, t.url);
    st.bind(6, static_cast<int>(t.commercial));
    st.bind(7, t.user_threshold);
    st.bind(8, static_cast<int>(t.attribution));
    st.bind(9, t.naming_prefix);
    st.bind(10, static_cast<int>(t.pass_on_use_restrictions));
    st.bind(11, static_cast<int>(t.share_alike));
    st.bind(12, static_cast<int>(t.non_commercial));
    st.bind(13, static_cast<int>(t.no_derivatives));
    st.bind(14, static_cast<int>(t.output_restriction));
    st.bind(15, t.source);
    st.bind(16, t.note);
    st.bind(17, origin);
    st.exec();
    impl_->catalogue.reset();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("licence write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::AddLicenseAlias(const std::string& alias, const std::string& license_id,
                              const std::string& origin) {
  try {
    if (impl_->KeepUserRow(origin, "license_alias", "alias", IdKey(alias))) return Status::Ok();
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO license_alias(alias, license_id, origin) "
                         "VALUES(?,?,?)");
    st.bind(1, IdKey(alias));
    st.bind(2, IdKey(license_id));
    st.bind(3, origin);
    st.exec();
    impl_->catalogue.reset();
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("licence alias write failed: ") + e.what());
  }
  return Status::Ok();
}

Result<LicenseCatalogue> Store::Licenses() const try {
  return impl_->Catalogue();
} catch (const SQLite::Exception& e) {
  return Status::IoError(std::string("cannot read the licence catalogue: ") + e.what());
}

Status Store::AddAlias(const std::string& old_ns, const std::string& new_ns,
                       const std::string& source, const std::string& origin) {
  try {
    SQLite::Statement st(*impl_->db,
                         "INSERT OR REPLACE INTO alias_layer(old_namespace, origin, seq, "
                         "new_namespace, source) VALUES(?,?,?,?,?)");
    st.bind(1, IdKey(old_ns));
    st.bind(2, origin);
    st.bind(3, impl_->NextSeq(origin));
    st.bind(4, IdKey(new_ns));
    st.bind(5, source);
    st.exec();
    impl_->layers_changed = true;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("alias write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::SetBloc(const std::string& name, const std::vector<std::string>& countries,
                      const std::string& origin) {
  try {
    SQLite::Statement del(*impl_->db, "DELETE FROM bloc_layer WHERE name=? AND origin=?");
    del.bind(1, IdKey(name));
    del.bind(2, origin);
    del.exec();
    int64_t seq = impl_->NextSeq(origin);
    SQLite::Statement ins(*impl_->db,
                          "INSERT OR IGNORE INTO bloc_layer(name, origin, seq, country) "
                          "VALUES(?,?,?,?)");
    for (const auto& c : countries) {
      ins.reset();
      ins.bind(1, IdKey(name));
      ins.bind(2, origin);
      ins.bind(3, seq);
      std::string upper = c;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      ins.bind(4, upper);
      ins.exec();
    }
    if (countries.empty()) {
      // An empty bloc is still a bloc: keep a marker row so it overrides.
      ins.reset();
      ins.bind(1, IdKey(name));
      ins.bind(2, origin);
      ins.bind(3, seq);
      ins.bind(4, "");
      ins.exec();
    }
    impl_->layers_changed = true;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("bloc write failed: ") + e.what());
  }
  return Status::Ok();
}

Status Store::AddDiagnostic(const std::string& origin, const Diagnostic& d) {
  try {
    impl_->AddDiagnostic(origin, d);
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("diagnostic write failed: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace lineage
