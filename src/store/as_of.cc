// The graph as it stood at a date, from repository history.
#include "store/internal.h"

namespace lineage {

Result<Subgraph> Store::ChainAsOf(const std::string& id, const std::string& date,
                                  std::vector<std::string>* notes) const {
  auto cutoff = AsOfCutoff(date);
  if (!cutoff) {
    return Status::InvalidInput("bad date '" + date +
                                "' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, in UTC)");
  }
  auto note = [notes](std::string text) {
    if (notes) notes->push_back(std::move(text));
  };
  try {
    auto& db = *impl_->db;
    auto root = GetArtifact(id);
    if (!root.ok()) return root.status();
    SQLite::Statement repo(
        db,
        "SELECT commit_date, first_commit_date, history_complete FROM git_repo WHERE artifact=?");
    // States follow the first-parent walk (row order), which is the order the
    // changes were made even when author dates are out of order.
    SQLite::Statement state(
        db,
        "SELECT id, commit_id FROM git_state WHERE artifact=? AND date<=? "
        "ORDER BY id DESC LIMIT 1");
    SQLite::Statement parents(
        db,
        "SELECT parent, kind, source, line, detail, relation, inferred, confidence "
        "FROM git_state_parent WHERE state=? ORDER BY confidence DESC, inferred ASC, rowid ASC");
    SQLite::Statement license(
        db,
        "SELECT new_value FROM git_change WHERE artifact=? AND field='license' AND date<=? "
        "ORDER BY id DESC LIMIT 1");

    // Artifacts answered from their history: their licence is the one of that date too.
    std::map<std::string, int64_t> dated;  // id key -> artifact row
    // The parents `display` had at the cutoff.
    auto parents_at = [&](const std::string& display, bool is_root) -> std::vector<Edge> {
      auto row = impl_->RowId(display);
      if (row) {
        repo.reset();
        repo.bind(1, *row);
        if (repo.executeStep()) {
          std::string commit_date = ColText(repo, 0);
          std::string first_date = ColText(repo, 1);
          bool complete = repo.getColumn(2).getInt() != 0;
          repo.reset();
          if (*cutoff >= commit_date) {
            // At or after the ingested commit the answer is what the store holds now.
            auto now = impl_->Walk(display, 1, true);
            return now.ok() ? now->edges : std::vector<Edge>{};
          }
          dated[IdKey(display)] = *row;
          state.reset();
          state.bind(1, *row);
          state.bind(2, *cutoff);
          if (!state.executeStep()) {
            state.reset();
            if (complete) {
              note(display + ": its repository had no commit yet on " + date +
                   "; shown without parents");
            } else {
              note(display + ": its repository history (shallow or incomplete) does not reach " +
                   date + " (it starts " + first_date + "); shown without parents");
            }
            return {};
          }
          int64_t state_id = state.getColumn(0).getInt64();
          std::string commit = ColText(state, 1);
          state.reset();
          std::map<std::string, Edge> by_parent;
          std::vector<std::string> keys;
          parents.reset();
          parents.bind(1, state_id);
          while (parents.executeStep()) {
            Evidence ev;
            std::string parent = ColText(parents, 0);
            ev.kind = ColText(parents, 1);
            ev.source = ColText(parents, 2);
            ev.line = parents.getColumn(3).getInt();
            ev.commit = commit;
            ev.detail = ColText(parents, 4);
            ev.relation = static_cast<Relation>(parents.getColumn(5).getInt());
            ev.relation_inferred = parents.getColumn(6).getInt() != 0;
            ev.confidence = parents.getColumn(7).getDouble();
            auto [it, added] = by_parent.try_emplace(IdKey(parent));
            Edge& e = it->second;
            if (added) {
              keys.push_back(it->first);
              e.child = display;
              e.parent = parent;
              e.relation = ev.relation;
              e.relation_inferred = ev.relation_inferred;
              e.confidence = ev.confidence;
            }
            e.evidence.push_back(std::move(ev));
          }
          parents.reset();
          std::vector<Edge> out;
          for (const auto& k : keys) out.push_back(std::move(by_parent[k]));
          return out;
        }
        repo.reset();
      }
      auto now = impl_->Walk(display, 1, true);
      std::vector<Edge> out = now.ok() ? now->edges : std::vector<Edge>{};
      if (is_root || !out.empty()) {
        note(display + ": no repository history ingested; current edges used");
      }
      return out;
    };

    std::map<std::string, std::pair<std::string, int>> seen;  // key -> display, depth
    std::deque<std::string> queue;
    std::vector<Edge> edges;
    seen[IdKey(root->id)] = {root->id, 0};
    queue.push_back(IdKey(root->id));
    while (!queue.empty()) {
      std::string key = queue.front();
      queue.pop_front();
      auto [display, depth] = seen[key];
      for (Edge& e : parents_at(display, depth == 0)) {
        std::string pkey = IdKey(e.parent);
        if (seen.try_emplace(pkey, e.parent, depth + 1).second) queue.push_back(pkey);
        e.parent = seen[pkey].first;
        edges.push_back(std::move(e));
      }
    }
    Subgraph sg;
    sg.root = root->id;
    for (const auto& [key, v] : seen) {
      GraphNode n;
      auto a = GetArtifact(v.first);
      if (a.ok()) {
        n.artifact = std::move(a.value());
      } else {
        // A base the history names but nothing in the store does any more.
        n.artifact.id = v.first;
        bool dataset = key.rfind("datasets/", 0) == 0;
        n.artifact.kind = dataset ? ArtifactKind::kDataset : ArtifactKind::kModel;
        std::string bare = v.first.substr(dataset ? 9 : 0);
        size_t slash = bare.find('/');
        n.artifact.author = slash == std::string::npos ? "" : bare.substr(0, slash);
      }
      n.depth = v.second;
      auto d = dated.find(key);
      if (d != dated.end()) {
        license.reset();
        license.bind(1, d->second);
        license.bind(2, *cutoff);
        std::string then = license.executeStep() ? ColText(license, 0) : std::string();
        license.reset();
        // The history writes `other` with its name as "other (name)".
        n.artifact.license_name.clear();
        n.artifact.license_link.clear();
        n.artifact.license_normalized.clear();
        if (then.rfind("other (", 0) == 0 && then.back() == ')') {
          n.artifact.license_name = then.substr(7, then.size() - 8);
          then = "other";
        }
        n.artifact.license = then;
      }
      sg.nodes.push_back(std::move(n));
    }
    sg.edges = std::move(edges);
    SortSubgraph(&sg);
    return sg;
  } catch (const SQLite::Exception& e) {
    return Status::IoError(std::string("store read failed: ") + e.what());
  }
}

}  // namespace lineage
