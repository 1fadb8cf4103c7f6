#include "store/schema.h"

namespace lineage::schema {

namespace {

// Version 1: artifacts, edges, evidence, documents, diagnostics, organizations,
// namespace aliases, blocs, pending bare-name references and runs.
constexpr const char* kV1 = R"sql(
CREATE TABLE artifact (
  id           INTEGER PRIMARY KEY,
  key          TEXT NOT NULL UNIQUE,
  display      TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  namespace    TEXT NOT NULL,
  name_key     TEXT NOT NULL,
  declared     INTEGER NOT NULL DEFAULT 0,
  origin       TEXT,
  license      TEXT,
  license_name TEXT,
  license_link TEXT,
  pipeline_tag TEXT,
  library_name TEXT,
  created_at   TEXT,
  source       TEXT,
  new_version  TEXT,
  tags         TEXT,
  languages    TEXT
);
CREATE INDEX artifact_name_key ON artifact(name_key);
CREATE INDEX artifact_namespace ON artifact(namespace);

CREATE TABLE edge (
  id         INTEGER PRIMARY KEY,
  child      INTEGER NOT NULL REFERENCES artifact(id),
  parent     INTEGER NOT NULL REFERENCES artifact(id),
  relation   INTEGER NOT NULL,
  inferred   INTEGER NOT NULL,
  confidence REAL NOT NULL,
  UNIQUE (child, parent)
);
CREATE INDEX edge_parent ON edge(parent, child);

CREATE TABLE evidence (
  id         INTEGER PRIMARY KEY,
  edge       INTEGER NOT NULL REFERENCES edge(id),
  origin     TEXT NOT NULL,
  kind       TEXT NOT NULL,
  source     TEXT NOT NULL,
  line       INTEGER NOT NULL,
  commit_id  TEXT NOT NULL,
  detail     TEXT NOT NULL,
  relation   INTEGER NOT NULL,
  inferred   INTEGER NOT NULL,
  confidence REAL NOT NULL
);
CREATE INDEX evidence_edge ON evidence(edge);
CREATE INDEX evidence_origin ON evidence(origin);

CREATE TABLE document (
  origin TEXT PRIMARY KEY,
  hash   TEXT NOT NULL,
  run    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE diagnostic (
  id       INTEGER PRIMARY KEY,
  origin   TEXT NOT NULL,
  source   TEXT NOT NULL,
  line     INTEGER NOT NULL,
  severity TEXT NOT NULL,
  code     TEXT NOT NULL,
  message  TEXT NOT NULL
);
CREATE INDEX diagnostic_origin ON diagnostic(origin);

CREATE TABLE pending_ref (
  id         INTEGER PRIMARY KEY,
  origin     TEXT NOT NULL,
  child      INTEGER NOT NULL REFERENCES artifact(id),
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL,
  source     TEXT NOT NULL,
  line       INTEGER NOT NULL,
  detail     TEXT NOT NULL,
  relation   INTEGER NOT NULL,
  inferred   INTEGER NOT NULL,
  confidence REAL NOT NULL
);
CREATE INDEX pending_ref_origin ON pending_ref(origin);

CREATE TABLE organization (
  namespace    TEXT PRIMARY KEY,
  display      TEXT NOT NULL,
  organization TEXT NOT NULL,
  country      TEXT NOT NULL,
  kind         TEXT NOT NULL,
  source       TEXT NOT NULL,
  origin       TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE alias (
  old_namespace TEXT PRIMARY KEY,
  new_namespace TEXT NOT NULL,
  source        TEXT NOT NULL,
  origin        TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE bloc (
  name    TEXT NOT NULL,
  country TEXT NOT NULL,
  origin  TEXT NOT NULL,
  PRIMARY KEY (name, country)
) WITHOUT ROWID;

CREATE TABLE run (
  id          INTEGER PRIMARY KEY,
  started     TEXT NOT NULL,
  description TEXT NOT NULL,
  documents   INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  diagnostics INTEGER NOT NULL DEFAULT 0
);
)sql";

// Version 2: the licence catalogue and its aliases. Terms are stored as
// 0 = not known, 1 = yes, 2 = no (lineage::Term).
constexpr const char* kV2Licenses = R"sql(
CREATE TABLE license (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  family             TEXT NOT NULL,
  spdx               TEXT NOT NULL,
  url                TEXT NOT NULL,
  commercial         INTEGER NOT NULL,
  user_threshold     INTEGER NOT NULL,
  attribution        INTEGER NOT NULL,
  naming_prefix      TEXT NOT NULL,
  pass_on            INTEGER NOT NULL,
  share_alike        INTEGER NOT NULL,
  non_commercial     INTEGER NOT NULL,
  no_derivatives     INTEGER NOT NULL,
  output_restriction INTEGER NOT NULL,
  source             TEXT NOT NULL,
  note               TEXT NOT NULL,
  origin             TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE license_alias (
  alias      TEXT PRIMARY KEY,
  license_id TEXT NOT NULL,
  origin     TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Git model repositories (docs/git.md): one row per ingested repository, the
// history of its lineage metadata (changes and, for --as-of, the parents each
// state declared) and the LFS oids of its weight files, which find copies
// across ingest runs. Every row names the document (`origin`) it came from.
constexpr const char* kGitRepositories = R"sql(
CREATE TABLE git_repo (
  artifact          INTEGER PRIMARY KEY REFERENCES artifact(id),
  origin            TEXT NOT NULL,
  path              TEXT NOT NULL,
  commit_id         TEXT NOT NULL,
  commit_date       TEXT NOT NULL,
  first_commit_date TEXT NOT NULL,
  history_complete  INTEGER NOT NULL
);
CREATE INDEX git_repo_origin ON git_repo(origin);

CREATE TABLE git_change (
  id        INTEGER PRIMARY KEY,
  origin    TEXT NOT NULL,
  artifact  INTEGER NOT NULL REFERENCES artifact(id),
  commit_id TEXT NOT NULL,
  date      TEXT NOT NULL,
  author    TEXT NOT NULL,
  file      TEXT NOT NULL,
  field     TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  finding   TEXT NOT NULL
);
CREATE INDEX git_change_artifact ON git_change(artifact, date);
CREATE INDEX git_change_origin ON git_change(origin);
CREATE INDEX git_change_finding ON git_change(date) WHERE finding <> '';

CREATE TABLE git_state (
  id        INTEGER PRIMARY KEY,
  origin    TEXT NOT NULL,
  artifact  INTEGER NOT NULL REFERENCES artifact(id),
  commit_id TEXT NOT NULL,
  date      TEXT NOT NULL
);
CREATE INDEX git_state_artifact ON git_state(artifact, date);
CREATE INDEX git_state_origin ON git_state(origin);

CREATE TABLE git_state_parent (
  state      INTEGER NOT NULL REFERENCES git_state(id),
  parent     TEXT NOT NULL,
  kind       TEXT NOT NULL,
  source     TEXT NOT NULL,
  line       INTEGER NOT NULL,
  detail     TEXT NOT NULL,
  relation   INTEGER NOT NULL,
  inferred   INTEGER NOT NULL,
  confidence REAL NOT NULL
);
CREATE INDEX git_state_parent_state ON git_state_parent(state);

CREATE TABLE lfs_object (
  id       INTEGER PRIMARY KEY,
  origin   TEXT NOT NULL,
  artifact INTEGER NOT NULL REFERENCES artifact(id),
  path     TEXT NOT NULL,
  oid      TEXT NOT NULL,
  size     INTEGER NOT NULL
);
CREATE INDEX lfs_object_oid ON lfs_object(oid, artifact);
CREATE INDEX lfs_object_artifact ON lfs_object(artifact);
CREATE INDEX lfs_object_origin ON lfs_object(origin);
)sql";

// Version 4: organizations, aliases and blocs keep every file's say as a
// layer; the tables of version 1 hold the effective rows (the layer read
// last wins), rebuilt at the end of each ingest run. Dropping a user's
// override from their file brings the earlier layer back.
constexpr const char* kV4Layers = R"sql(
CREATE TABLE organization_layer (
  namespace    TEXT NOT NULL,
  origin       TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  display      TEXT NOT NULL,
  organization TEXT NOT NULL,
  country      TEXT NOT NULL,
  kind         TEXT NOT NULL,
  source       TEXT NOT NULL,
  PRIMARY KEY (namespace, origin)
) WITHOUT ROWID;
CREATE INDEX organization_layer_origin ON organization_layer(origin);
INSERT INTO organization_layer
  SELECT namespace, origin, 0, display, organization, country, kind, source FROM organization;

CREATE TABLE alias_layer (
  old_namespace TEXT NOT NULL,
  origin        TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  new_namespace TEXT NOT NULL,
  source        TEXT NOT NULL,
  PRIMARY KEY (old_namespace, origin)
) WITHOUT ROWID;
CREATE INDEX alias_layer_origin ON alias_layer(origin);
INSERT INTO alias_layer SELECT old_namespace, origin, 0, new_namespace, source FROM alias;

CREATE TABLE bloc_layer (
  name    TEXT NOT NULL,
  origin  TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  country TEXT NOT NULL,
  PRIMARY KEY (name, origin, country)
) WITHOUT ROWID;
CREATE INDEX bloc_layer_origin ON bloc_layer(origin);
INSERT INTO bloc_layer SELECT name, origin, 0, country FROM bloc;
)sql";

// Reference data: base-model families and known base checkpoints
// (lineage/reference.h). Lists are stored newline-joined.
constexpr const char* kV5Reference = R"sql(
CREATE TABLE family (
  slug           TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  publisher      TEXT NOT NULL,
  canonical_base TEXT NOT NULL,
  name_patterns  TEXT NOT NULL,
  licenses       TEXT NOT NULL,
  source         TEXT NOT NULL,
  origin         TEXT NOT NULL
);
CREATE TABLE known_base (
  key                     TEXT PRIMARY KEY,
  display                 TEXT NOT NULL,
  family                  TEXT NOT NULL,
  params                  TEXT NOT NULL,
  variant                 TEXT NOT NULL,
  license                 TEXT NOT NULL,
  created_at              TEXT NOT NULL,
  model_type              TEXT NOT NULL,
  hidden_size             INTEGER NOT NULL,
  intermediate_size       INTEGER NOT NULL,
  num_hidden_layers       INTEGER NOT NULL,
  num_attention_heads     INTEGER NOT NULL,
  num_key_value_heads     INTEGER NOT NULL,
  vocab_size              INTEGER NOT NULL,
  rope_theta              REAL NOT NULL,
  max_position_embeddings INTEGER NOT NULL,
  source                  TEXT NOT NULL,
  config_source           TEXT NOT NULL,
  origin                  TEXT NOT NULL
);
CREATE INDEX known_base_family ON known_base(family);
CREATE TABLE artifact_record (
  artifact     INTEGER NOT NULL,
  origin       TEXT NOT NULL,
  rank         INTEGER NOT NULL,
  seq          INTEGER NOT NULL,
  license      TEXT NOT NULL,
  license_name TEXT NOT NULL,
  license_link TEXT NOT NULL,
  pipeline_tag TEXT NOT NULL,
  library_name TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  source       TEXT NOT NULL,
  new_version  TEXT NOT NULL,
  tags         TEXT NOT NULL,
  languages    TEXT NOT NULL,
  PRIMARY KEY (artifact, origin)
);
CREATE INDEX artifact_record_origin ON artifact_record(origin);
ALTER TABLE organization ADD COLUMN source_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE organization ADD COLUMN checked TEXT NOT NULL DEFAULT '';
ALTER TABLE organization ADD COLUMN parent TEXT NOT NULL DEFAULT '';
ALTER TABLE organization_layer ADD COLUMN source_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE organization_layer ADD COLUMN checked TEXT NOT NULL DEFAULT '';
ALTER TABLE organization_layer ADD COLUMN parent TEXT NOT NULL DEFAULT '';
CREATE TABLE model_alias (
  old_key     TEXT PRIMARY KEY,
  new_display TEXT NOT NULL,
  source      TEXT NOT NULL,
  origin      TEXT NOT NULL
);
-- SQLite 3.40's integrity_check reports false NULLs in the WITHOUT ROWID
-- bloc_layer.seq; as an ordinary table it checks clean.
CREATE TABLE bloc_layer_v5 (
  name    TEXT NOT NULL,
  origin  TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  country TEXT NOT NULL,
  UNIQUE (name, origin, country)
);
INSERT INTO bloc_layer_v5 SELECT name, origin, seq, country FROM bloc_layer;
DROP TABLE bloc_layer;
ALTER TABLE bloc_layer_v5 RENAME TO bloc_layer;
CREATE INDEX bloc_layer_origin ON bloc_layer(origin);
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

// Inference (lineage/infer.h): the signals each document gave about its
// artifact (owned by that document's origin), and on each edge whether only
// inference proposes it (its evidence all of origin "infer:...").
constexpr const char* kV6Inference = R"sql(
CREATE TABLE signal (
  id       INTEGER PRIMARY KEY,
  origin   TEXT NOT NULL,
  artifact INTEGER NOT NULL REFERENCES artifact(id),
  kind     TEXT NOT NULL,
  value    TEXT NOT NULL,
  source   TEXT NOT NULL,
  line     INTEGER NOT NULL,
  detail   TEXT NOT NULL
);
CREATE INDEX signal_artifact ON signal(artifact);
CREATE INDEX signal_origin ON signal(origin);
CREATE INDEX signal_kind ON signal(kind, value);
ALTER TABLE edge ADD COLUMN inferred_edge INTEGER NOT NULL DEFAULT 0;
CREATE INDEX edge_inferred ON edge(child) WHERE inferred_edge = 1;
CREATE TABLE infer_calibration (
  kind        TEXT PRIMARY KEY,
  reliability REAL NOT NULL,
  models      INTEGER NOT NULL,
  correct     INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 7: a persisted adjacency of the edge table, so a walk over a big
// family reads one row instead of one statement per node. Direction 0 maps
// each parent row id to its children: `data` holds, as little-endian uint32,
// offsets[nodes + 1], then children[edges], then the edge row ids[edges], the
// children of row id p at positions offsets[p] .. offsets[p + 1] - 1, sorted.
// Rebuilt when an ingest run that changed the edges commits; `max_edge` is
// max(edge.id) then. A store migrated from an older version has no row
// until its next ingest, and is walked through the edge table meanwhile.
constexpr const char* kV7Adjacency = R"sql(
CREATE TABLE adjacency (
  direction INTEGER PRIMARY KEY,
  nodes     INTEGER NOT NULL,
  edges     INTEGER NOT NULL,
  max_edge  INTEGER NOT NULL,
  data      BLOB NOT NULL
);
)sql";

// Popularity from Hub dumps (issue 12): each record keeps the counts its dump
// gave (-1: not given) and its lastModified. Merged at read time by the
// records' precedence (store/records.cc).
constexpr const char* kV8Popularity = R"sql(
ALTER TABLE artifact_record ADD COLUMN downloads INTEGER NOT NULL DEFAULT -1;
ALTER TABLE artifact_record ADD COLUMN downloads_all_time INTEGER NOT NULL DEFAULT -1;
ALTER TABLE artifact_record ADD COLUMN likes INTEGER NOT NULL DEFAULT -1;
ALTER TABLE artifact_record ADD COLUMN last_modified TEXT NOT NULL DEFAULT '';
)sql";

// Version 9 (issue 9, a leaner store): artifact_record keeps its rows in its
// primary key's b-tree (WITHOUT ROWID), so (artifact, origin) is stored once
// rather than in the table and again in an index.
constexpr const char* kV9LeanRecords = R"sql(
CREATE TABLE artifact_record_v9 (
  artifact           INTEGER NOT NULL,
  origin             TEXT NOT NULL,
  rank               INTEGER NOT NULL,
  seq                INTEGER NOT NULL,
  license            TEXT NOT NULL,
  license_name       TEXT NOT NULL,
  license_link       TEXT NOT NULL,
  pipeline_tag       TEXT NOT NULL,
  library_name       TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  source             TEXT NOT NULL,
  new_version        TEXT NOT NULL,
  tags               TEXT NOT NULL,
  languages          TEXT NOT NULL,
  downloads          INTEGER NOT NULL DEFAULT -1,
  downloads_all_time INTEGER NOT NULL DEFAULT -1,
  likes              INTEGER NOT NULL DEFAULT -1,
  last_modified      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (artifact, origin)
) WITHOUT ROWID;
INSERT INTO artifact_record_v9 SELECT artifact, origin, rank, seq, license, license_name,
  license_link, pipeline_tag, library_name, created_at, source, new_version, tags, languages,
  downloads, downloads_all_time, likes, last_modified FROM artifact_record;
DROP TABLE artifact_record;
ALTER TABLE artifact_record_v9 RENAME TO artifact_record;
CREATE INDEX artifact_record_origin ON artifact_record(origin);
)sql";


// Version 10 (issue 9, a store at most twice the peer's): every row that
// names its document refers to it by an integer, kinds are integer codes, a
// row's source is stored only where it differs from its document's, a
// model's only record borrows the artifact row's attributes, and an
// artifact's key, namespace and name are computed from its display id. Views
// under the old table names (document, evidence, signal, artifact_record)
// keep their columns for reads and for `lineage sql`; writes go to the
// *_data tables (docs/schema.md).
constexpr const char* kV10Compact = R"sql(
CREATE TABLE source_prefix (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);
CREATE TABLE origin (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  source_prefix INTEGER REFERENCES source_prefix(id),
  source        TEXT,
  hash          BLOB,
  run           INTEGER
);
INSERT INTO origin(name, hash, run) SELECT origin, hash, run FROM document;
INSERT OR IGNORE INTO origin(name)
  SELECT origin FROM evidence UNION SELECT origin FROM signal
  UNION SELECT origin FROM artifact_record UNION SELECT origin FROM artifact WHERE origin IS NOT NULL;
DROP TABLE document;

CREATE TABLE kind_code (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
INSERT OR IGNORE INTO kind_code(name) SELECT kind FROM evidence UNION SELECT kind FROM signal;

CREATE TABLE artifact_v10 (
  id           INTEGER PRIMARY KEY,
  display      TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  declared     INTEGER NOT NULL DEFAULT 0,
  origin       INTEGER REFERENCES origin(id),
  license      TEXT,
  license_name TEXT,
  license_link TEXT,
  pipeline_tag TEXT,
  library_name TEXT,
  created_at   TEXT,
  source,
  new_version  TEXT,
  tags         TEXT,
  languages    TEXT,
  key          TEXT GENERATED ALWAYS AS (lower(display)) VIRTUAL,
  namespace    TEXT GENERATED ALWAYS AS (CASE
    WHEN instr(CASE WHEN substr(key, 1, 9) = 'datasets/' THEN substr(key, 10) ELSE key END, '/') = 0
    THEN ''
    ELSE substr(CASE WHEN substr(key, 1, 9) = 'datasets/' THEN substr(key, 10) ELSE key END, 1,
                instr(CASE WHEN substr(key, 1, 9) = 'datasets/' THEN substr(key, 10) ELSE key END,
                      '/') - 1) END) STORED,
  name_key     TEXT GENERATED ALWAYS AS (
    substr(key, length(rtrim(key, replace(key, '/', ''))) + 1)) VIRTUAL
);
INSERT INTO artifact_v10(id, display, kind, declared, origin, license, license_name,
    license_link, pipeline_tag, library_name, created_at, source, new_version, tags, languages)
  SELECT a.id, a.display, a.kind, a.declared, o.id, a.license, a.license_name, a.license_link,
    a.pipeline_tag, a.library_name, a.created_at, a.source, a.new_version, a.tags, a.languages
  FROM artifact a LEFT JOIN origin o ON o.name = a.origin;

CREATE TABLE artifact_record_data (
  artifact           INTEGER NOT NULL,
  origin             INTEGER NOT NULL REFERENCES origin(id),
  rank               INTEGER NOT NULL,
  seq                INTEGER NOT NULL,
  license            TEXT,
  license_name       TEXT,
  license_link       TEXT,
  pipeline_tag       TEXT,
  library_name       TEXT,
  created_at         TEXT,
  source             TEXT,
  new_version        TEXT,
  tags               TEXT,
  languages          TEXT,
  downloads          INTEGER NOT NULL DEFAULT -1,
  downloads_all_time INTEGER NOT NULL DEFAULT -1,
  likes              INTEGER NOT NULL DEFAULT -1,
  last_modified      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (artifact, origin)
) WITHOUT ROWID;
INSERT INTO artifact_record_data SELECT r.artifact, o.id, r.rank, r.seq, r.license,
    r.license_name, r.license_link, r.pipeline_tag, r.library_name, r.created_at, r.source,
    r.new_version, r.tags, r.languages, r.downloads, r.downloads_all_time, r.likes,
    r.last_modified
  FROM artifact_record r JOIN origin o ON o.name = r.origin;
DROP TABLE artifact_record;
CREATE INDEX artifact_record_origin ON artifact_record_data(origin);

CREATE TABLE evidence_data (
  id         INTEGER PRIMARY KEY,
  edge       INTEGER NOT NULL REFERENCES edge(id),
  origin     INTEGER NOT NULL REFERENCES origin(id),
  kind       INTEGER NOT NULL REFERENCES kind_code(id),
  source,
  line       INTEGER NOT NULL,
  commit_id  TEXT NOT NULL,
  detail     TEXT NOT NULL,
  relation   INTEGER NOT NULL,
  inferred   INTEGER NOT NULL,
  confidence REAL NOT NULL
);
INSERT INTO evidence_data SELECT e.id, e.edge, o.id, k.id, e.source, e.line, e.commit_id,
    e.detail, e.relation, e.inferred, e.confidence
  FROM evidence e JOIN origin o ON o.name = e.origin JOIN kind_code k ON k.name = e.kind;
DROP TABLE evidence;
CREATE INDEX evidence_edge ON evidence_data(edge);
CREATE INDEX evidence_origin ON evidence_data(origin);

CREATE TABLE signal_data (
  id       INTEGER PRIMARY KEY,
  origin   INTEGER NOT NULL REFERENCES origin(id),
  artifact INTEGER NOT NULL REFERENCES artifact(id),
  kind     INTEGER NOT NULL REFERENCES kind_code(id),
  value    TEXT NOT NULL,
  source,
  line     INTEGER NOT NULL,
  detail   TEXT NOT NULL
);
INSERT INTO signal_data SELECT s.id, o.id, s.artifact, k.id, s.value, s.source, s.line, s.detail
  FROM signal s JOIN origin o ON o.name = s.origin JOIN kind_code k ON k.name = s.kind;
DROP TABLE signal;
CREATE INDEX signal_artifact ON signal_data(artifact);
CREATE INDEX signal_origin ON signal_data(origin);
CREATE INDEX signal_kind ON signal_data(kind);

DROP TABLE artifact;
ALTER TABLE artifact_v10 RENAME TO artifact;
CREATE UNIQUE INDEX artifact_key ON artifact(key);
CREATE INDEX artifact_name_key ON artifact(name_key);
CREATE INDEX artifact_namespace ON artifact(namespace);
CREATE INDEX artifact_origin ON artifact(origin);

-- The views are single-table selects with scalar subqueries, so SQLite
-- flattens them into any query, the right side of a LEFT JOIN included.
CREATE VIEW origin_source AS
  SELECT o.id, o.name, CASE WHEN o.source_prefix IS NULL THEN o.source
    ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END AS source
  FROM origin o;
CREATE VIEW document AS
  SELECT d.name AS origin,
    CASE typeof(d.hash) WHEN 'blob' THEN lower(hex(d.hash)) ELSE d.hash END AS hash,
    d.run, (SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = d.id) AS source
  FROM origin d WHERE d.hash IS NOT NULL;
CREATE VIEW evidence AS
  SELECT e.id, e.edge, (SELECT n.name FROM origin n WHERE n.id = e.origin) AS origin,
    (SELECT k.name FROM kind_code k WHERE k.id = e.kind) AS kind,
    CASE typeof(e.source) WHEN 'null' THEN COALESCE((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = e.origin), '')
      WHEN 'integer' THEN substr((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = e.origin), 1, e.source) ELSE e.source END AS source,
    e.line, e.commit_id, e.detail, e.relation, e.inferred, e.confidence
  FROM evidence_data e;
CREATE VIEW signal AS
  SELECT s.id, (SELECT n.name FROM origin n WHERE n.id = s.origin) AS origin, s.artifact,
    (SELECT k.name FROM kind_code k WHERE k.id = s.kind) AS kind, s.value,
    CASE typeof(s.source) WHEN 'null' THEN COALESCE((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = s.origin), '')
      WHEN 'integer' THEN substr((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = s.origin), 1, s.source) ELSE s.source END AS source,
    s.line, s.detail
  FROM signal_data s;
CREATE VIEW artifact_record AS
  SELECT r.artifact, (SELECT n.name FROM origin n WHERE n.id = r.origin) AS origin, r.rank, r.seq,
    COALESCE(r.license, (SELECT a.license FROM artifact a WHERE a.id = r.artifact), '') AS license,
    COALESCE(r.license_name, (SELECT a.license_name FROM artifact a WHERE a.id = r.artifact), '') AS license_name,
    COALESCE(r.license_link, (SELECT a.license_link FROM artifact a WHERE a.id = r.artifact), '') AS license_link,
    COALESCE(r.pipeline_tag, (SELECT a.pipeline_tag FROM artifact a WHERE a.id = r.artifact), '') AS pipeline_tag,
    COALESCE(r.library_name, (SELECT a.library_name FROM artifact a WHERE a.id = r.artifact), '') AS library_name,
    COALESCE(r.created_at, (SELECT a.created_at FROM artifact a WHERE a.id = r.artifact), '') AS created_at,
    CASE WHEN r.license IS NOT NULL THEN r.source ELSE
      (SELECT CASE typeof(a.source) WHEN 'null' THEN COALESCE((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = a.origin), '')
      WHEN 'integer' THEN substr((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = a.origin), 1, a.source) ELSE a.source END FROM artifact a WHERE a.id = r.artifact) END AS source,
    COALESCE(r.new_version, (SELECT a.new_version FROM artifact a WHERE a.id = r.artifact), '') AS new_version,
    COALESCE(r.tags, (SELECT a.tags FROM artifact a WHERE a.id = r.artifact), '') AS tags,
    COALESCE(r.languages, (SELECT a.languages FROM artifact a WHERE a.id = r.artifact), '') AS languages,
    r.downloads, r.downloads_all_time, r.likes, r.last_modified
  FROM artifact_record_data r;
)sql";


// Version 11 (issue 9): a document's origin name is mostly its artifact's id
// key between a prefix and a suffix (`hub:<key>@<tag>`, `card:<key>`), which
// the artifact row holds already; with its UNIQUE index that was a fifth of a
// Hub store. Such an origin keeps only its artifact and a code for the
// (prefix, suffix) pair; every name is found through a 32-bit hash of it
// (FNV-1a, `lineage_name_hash`, store/internal.h), the name compared after.
// The view `origin` shows the columns of the version-10 table.
constexpr const char* kV11DerivedOrigins = R"sql(
CREATE TABLE origin_form (
  id     INTEGER PRIMARY KEY,
  prefix TEXT NOT NULL,
  suffix TEXT NOT NULL,
  UNIQUE (prefix, suffix)
);
CREATE TABLE origin_data (
  id            INTEGER PRIMARY KEY,
  name_hash     INTEGER NOT NULL,
  name          TEXT,
  artifact      INTEGER REFERENCES artifact(id),
  form          INTEGER REFERENCES origin_form(id),
  source_prefix INTEGER REFERENCES source_prefix(id),
  source,
  hash          BLOB,
  run           INTEGER
);
INSERT INTO origin_data(id, name_hash, name, source_prefix, source, hash, run)
  SELECT id, lineage_name_hash(name), name, source_prefix, source, hash, run FROM origin;
INSERT OR IGNORE INTO origin_form(prefix, suffix)
  SELECT DISTINCT substr(o.name, 1, instr(o.name, ':')),
    substr(o.name, instr(o.name, ':') + 1 + length(a.key))
  FROM origin_data o JOIN artifact a ON a.origin = o.id
  WHERE instr(o.name, ':') > 0 AND substr(o.name, instr(o.name, ':') + 1, length(a.key)) = a.key;
UPDATE origin_data AS o SET artifact = a.id, form = f.id, name = NULL
  FROM artifact a, origin_form f
  WHERE a.origin = o.id AND instr(o.name, ':') > 0
    AND substr(o.name, instr(o.name, ':') + 1, length(a.key)) = a.key
    AND f.prefix = substr(o.name, 1, instr(o.name, ':'))
    AND f.suffix = substr(o.name, instr(o.name, ':') + 1 + length(a.key));
DROP TABLE origin;
CREATE INDEX origin_name_hash ON origin_data(name_hash);
CREATE VIEW origin AS
  SELECT o.id, CASE WHEN o.name IS NOT NULL THEN o.name ELSE (SELECT f.prefix || a.key || f.suffix
      FROM origin_form f, artifact a WHERE f.id = o.form AND a.id = o.artifact) END AS name,
    o.source_prefix, o.source, o.hash, o.run
  FROM origin_data o;
)sql";


// Version 12 (issue 9): an artifact's namespace is computed on read like its
// key and name_key (VIRTUAL); the index artifact_namespace keeps its values.
// The table is rebuilt (a column cannot change from STORED); the legacy
// rename leaves the views, which name `artifact`, as they are.
constexpr const char* kV12Lean = R"sql(
CREATE TABLE artifact_v12 (
  id           INTEGER PRIMARY KEY,
  display      TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  declared     INTEGER NOT NULL DEFAULT 0,
  origin       INTEGER REFERENCES origin(id),
  license      TEXT,
  license_name TEXT,
  license_link TEXT,
  pipeline_tag TEXT,
  library_name TEXT,
  created_at   TEXT,
  source,
  new_version  TEXT,
  tags         TEXT,
  languages    TEXT,
  key          TEXT GENERATED ALWAYS AS (lower(display)) VIRTUAL,
  namespace    TEXT GENERATED ALWAYS AS (CASE
    WHEN instr(CASE WHEN substr(key, 1, 9) = 'datasets/' THEN substr(key, 10) ELSE key END, '/') = 0
    THEN ''
    ELSE substr(CASE WHEN substr(key, 1, 9) = 'datasets/' THEN substr(key, 10) ELSE key END, 1,
                instr(CASE WHEN substr(key, 1, 9) = 'datasets/' THEN substr(key, 10) ELSE key END,
                      '/') - 1) END) VIRTUAL,
  name_key     TEXT GENERATED ALWAYS AS (
    substr(key, length(rtrim(key, replace(key, '/', ''))) + 1)) VIRTUAL
);
INSERT INTO artifact_v12(id, display, kind, declared, origin, license, license_name,
    license_link, pipeline_tag, library_name, created_at, source, new_version, tags, languages)
  SELECT id, display, kind, declared, origin, license, license_name, license_link,
    pipeline_tag, library_name, created_at, source, new_version, tags, languages
  FROM artifact ORDER BY id;
DROP TABLE artifact;
PRAGMA legacy_alter_table = ON;
ALTER TABLE artifact_v12 RENAME TO artifact;
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX artifact_key ON artifact(key);
CREATE INDEX artifact_name_key ON artifact(name_key);
CREATE INDEX artifact_namespace ON artifact(namespace);
CREATE INDEX artifact_origin ON artifact(origin);

-- Evidence details relative to the edge's parent (docs/schema.md): NULL is
-- the parent's display id, 0 that id without its `datasets/`, 1..4 it after
-- `base_model:finetune:`, `adapter:`, `quantized:`, `merge:`; text is the
-- detail itself. The column has no type, so codes stay integers.
CREATE TABLE evidence_v12 (
  id         INTEGER PRIMARY KEY,
  edge       INTEGER NOT NULL REFERENCES edge(id),
  origin     INTEGER NOT NULL REFERENCES origin(id),
  kind       INTEGER NOT NULL REFERENCES kind_code(id),
  source,
  line       INTEGER NOT NULL,
  commit_id  TEXT NOT NULL,
  detail,
  relation   INTEGER NOT NULL,
  inferred   INTEGER NOT NULL,
  confidence REAL NOT NULL
);
INSERT INTO evidence_v12 SELECT v.id, v.edge, v.origin, v.kind, v.source, v.line, v.commit_id,
    CASE WHEN a.id IS NULL THEN v.detail ELSE CASE WHEN v.detail = a.display THEN NULL WHEN v.detail = 'base_model:finetune:' || a.display THEN 1 WHEN v.detail = 'base_model:adapter:' || a.display THEN 2 WHEN v.detail = 'base_model:quantized:' || a.display THEN 3 WHEN v.detail = 'base_model:merge:' || a.display THEN 4 WHEN substr(a.display, 1, 9) = 'datasets/' AND v.detail = substr(a.display, 10) THEN 0 ELSE v.detail END END,
    v.relation, v.inferred, v.confidence
  FROM evidence_data v LEFT JOIN edge g ON g.id = v.edge LEFT JOIN artifact a ON a.id = g.parent
  ORDER BY v.id;
DROP VIEW evidence;
DROP TABLE evidence_data;
PRAGMA legacy_alter_table = ON;
ALTER TABLE evidence_v12 RENAME TO evidence_data;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX evidence_edge ON evidence_data(edge);
CREATE INDEX evidence_origin ON evidence_data(origin);
-- Each change of a parent's display id: its old one and the last evidence row
-- then, whose details coded against it the run's commit spells out
-- (Store::Impl::SpellDetails, store/internal.h).
CREATE TABLE detail_parent_change (
  seq           INTEGER PRIMARY KEY,
  artifact      INTEGER NOT NULL,
  display       TEXT NOT NULL,
  last_evidence INTEGER NOT NULL
);
CREATE TRIGGER artifact_display_change AFTER UPDATE OF display ON artifact
  WHEN old.display IS NOT new.display
BEGIN
  INSERT INTO detail_parent_change(artifact, display, last_evidence)
    VALUES (old.id, old.display, COALESCE((SELECT max(id) FROM evidence_data), 0));
END;
CREATE VIEW evidence AS
  SELECT e.id, e.edge, (SELECT n.name FROM origin n WHERE n.id = e.origin) AS origin,
    (SELECT k.name FROM kind_code k WHERE k.id = e.kind) AS kind,
    CASE typeof(e.source) WHEN 'null' THEN COALESCE((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = e.origin), '')
      WHEN 'integer' THEN substr((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = e.origin), 1, e.source) ELSE e.source END AS source,
    e.line, e.commit_id,
    CASE typeof(e.detail) WHEN 'text' THEN e.detail ELSE (SELECT CASE e.detail WHEN 0 THEN substr(a.display, 10) WHEN 1 THEN 'base_model:finetune:' || a.display WHEN 2 THEN 'base_model:adapter:' || a.display WHEN 3 THEN 'base_model:quantized:' || a.display WHEN 4 THEN 'base_model:merge:' || a.display ELSE a.display END
      FROM edge g, artifact a WHERE g.id = e.edge AND a.id = g.parent) END AS detail,
    e.relation, e.inferred, e.confidence
  FROM evidence_data e;
-- A record's lastModified in the Hub's form to the second
-- (`2024-01-02T03:04:05.000Z`) is stored as its Unix time, an integer, when
-- it reads back the same; any other text stays text.
CREATE TABLE artifact_record_v12 (
  artifact           INTEGER NOT NULL,
  origin             INTEGER NOT NULL REFERENCES origin(id),
  rank               INTEGER NOT NULL,
  seq                INTEGER NOT NULL,
  license            TEXT,
  license_name       TEXT,
  license_link       TEXT,
  pipeline_tag       TEXT,
  library_name       TEXT,
  created_at         TEXT,
  source             TEXT,
  new_version        TEXT,
  tags               TEXT,
  languages          TEXT,
  downloads          INTEGER NOT NULL DEFAULT -1,
  downloads_all_time INTEGER NOT NULL DEFAULT -1,
  likes              INTEGER NOT NULL DEFAULT -1,
  last_modified      NOT NULL DEFAULT '',
  PRIMARY KEY (artifact, origin)
) WITHOUT ROWID;
INSERT INTO artifact_record_v12 SELECT artifact, origin, rank, seq, license, license_name,
    license_link, pipeline_tag, library_name, created_at, source, new_version, tags, languages,
    downloads, downloads_all_time, likes, CASE WHEN last_modified GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].000Z' AND strftime('%Y-%m-%dT%H:%M:%S.000Z', CAST(strftime('%s', last_modified) AS INTEGER), 'unixepoch') = last_modified THEN CAST(strftime('%s', last_modified) AS INTEGER) ELSE last_modified END
  FROM artifact_record_data ORDER BY artifact, origin;
DROP VIEW artifact_record;
DROP TABLE artifact_record_data;
PRAGMA legacy_alter_table = ON;
ALTER TABLE artifact_record_v12 RENAME TO artifact_record_data;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX artifact_record_origin ON artifact_record_data(origin);
CREATE VIEW artifact_record AS
  SELECT r.artifact, (SELECT n.name FROM origin n WHERE n.id = r.origin) AS origin, r.rank, r.seq,
    COALESCE(r.license, (SELECT a.license FROM artifact a WHERE a.id = r.artifact), '') AS license,
    COALESCE(r.license_name, (SELECT a.license_name FROM artifact a WHERE a.id = r.artifact), '') AS license_name,
    COALESCE(r.license_link, (SELECT a.license_link FROM artifact a WHERE a.id = r.artifact), '') AS license_link,
    COALESCE(r.pipeline_tag, (SELECT a.pipeline_tag FROM artifact a WHERE a.id = r.artifact), '') AS pipeline_tag,
    COALESCE(r.library_name, (SELECT a.library_name FROM artifact a WHERE a.id = r.artifact), '') AS library_name,
    COALESCE(r.created_at, (SELECT a.created_at FROM artifact a WHERE a.id = r.artifact), '') AS created_at,
    CASE WHEN r.license IS NOT NULL THEN r.source ELSE
      (SELECT CASE typeof(a.source) WHEN 'null' THEN COALESCE((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = a.origin), '')
      WHEN 'integer' THEN substr((SELECT CASE WHEN o.source_prefix IS NULL THEN o.source ELSE (SELECT p.text FROM source_prefix p WHERE p.id = o.source_prefix) || o.source END FROM origin o WHERE o.id = a.origin), 1, a.source) ELSE a.source END FROM artifact a WHERE a.id = r.artifact) END AS source,
    COALESCE(r.new_version, (SELECT a.new_version FROM artifact a WHERE a.id = r.artifact), '') AS new_version,
    COALESCE(r.tags, (SELECT a.tags FROM artifact a WHERE a.id = r.artifact), '') AS tags,
    COALESCE(r.languages, (SELECT a.languages FROM artifact a WHERE a.id = r.artifact), '') AS languages,
    r.downloads, r.downloads_all_time, r.likes,
    CASE typeof(r.last_modified) WHEN 'integer' THEN strftime('%Y-%m-%dT%H:%M:%S.000Z', r.last_modified, 'unixepoch') ELSE r.last_modified END AS last_modified
  FROM artifact_record_data r;
)sql";


// Version 13 (issue 9): an artifact's createdAt in the Hub's form to the
// second (`2024-01-02T03:04:05.000Z`) is stored in created_time as its Unix
// time, an integer, when it reads back the same; any other text stays text.
// created_at, computed on read (VIRTUAL), shows the text as before. The table
// is rebuilt as in version 12; dropping it dropped its trigger, made again.
constexpr const char* kV13CreatedTime = R"sql(
CREATE TABLE artifact_v13 (
  id           INTEGER PRIMARY KEY,
  display      TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  declared     INTEGER NOT NULL DEFAULT 0,
  origin       INTEGER REFERENCES origin(id),
  license      TEXT GENERATED ALWAYS AS (CASE typeof(license_code) WHEN 'integer' THEN CASE license_code WHEN 0 THEN 'apache-2.0' WHEN 1
    THEN 'mit' WHEN 2 THEN 'other' WHEN 3 THEN 'cc-by-nc-4.0' WHEN 4 THEN 'cc-by-4.0' WHEN 5
    THEN 'openrail' WHEN 6 THEN 'gpl-3.0' WHEN 7 THEN 'gemma' WHEN 8 THEN 'bsd-3-clause' WHEN 9
    THEN 'unknown' WHEN 10 THEN 'llama3.1' WHEN 11 THEN 'afl-3.0' WHEN 12 THEN 'llama3' WHEN 13
    THEN 'openrail++' WHEN 14 THEN 'llama2' WHEN 15 THEN 'llama3.2' WHEN 16 THEN
    'creativeml-openrail-m' WHEN 17 THEN 'llama3.3' WHEN 18 THEN 'cc-by-sa-4.0' WHEN 19 THEN
    'cc-by-nc-sa-4.0' WHEN 20 THEN 'cc-by-nc-nd-4.0' WHEN 21 THEN 'cc-by-nd-4.0' WHEN 22 THEN
    'cc0-1.0' WHEN 23 THEN 'agpl-3.0' WHEN 24 THEN 'lgpl-3.0' WHEN 25 THEN 'gpl-2.0' WHEN 26
    THEN 'lgpl-2.1' WHEN 27 THEN 'bsd-2-clause' WHEN 28 THEN 'bsd' WHEN 29 THEN 'mpl-2.0' WHEN
    30 THEN 'artistic-2.0' WHEN 31 THEN 'wtfpl' WHEN 32 THEN 'unlicense' WHEN 33 THEN
    'bigscience-openrail-m' WHEN 34 THEN 'bigscience-bloom-rail-1.0' WHEN 35 THEN
    'bigcode-openrail-m' WHEN 36 THEN 'llama4' WHEN 37 THEN 'cc-by-3.0' WHEN 38 THEN
    'cc-by-sa-3.0' WHEN 39 THEN 'cc-by-nc-3.0' WHEN 40 THEN 'cc-by-2.0' WHEN 41 THEN
    'cc-by-nc-2.0' WHEN 42 THEN 'apple-ascl' WHEN 43 THEN 'deepfloyd-if-license' WHEN 44 THEN
    'odc-by' WHEN 45 THEN 'odbl' WHEN 46 THEN 'pddl' WHEN 47 THEN 'ecl-2.0' WHEN 48 THEN
    'epl-2.0' WHEN 49 THEN 'eupl-1.1' WHEN 50 THEN 'osl-3.0' WHEN 51 THEN 'ms-pl' WHEN 52 THEN
    'ncsa' WHEN 53 THEN 'zlib' WHEN 54 THEN 'isc' WHEN 55 THEN 'c-uda' WHEN 56 THEN
    'cdla-permissive-2.0' WHEN 57 THEN 'cdla-sharing-1.0' WHEN 58 THEN 'gfdl' WHEN 59 THEN
    'lgpl-lr' WHEN 60 THEN 'h-research' END ELSE license_code END) VIRTUAL,
  license_name TEXT,
  license_link TEXT,
  pipeline_tag TEXT GENERATED ALWAYS AS (CASE typeof(pipeline_code) WHEN 'integer' THEN CASE pipeline_code WHEN 0 THEN 'text-generation'
    WHEN 1 THEN 'text-to-image' WHEN 2 THEN 'text-classification' WHEN 3 THEN
    'automatic-speech-recognition' WHEN 4 THEN 'image-classification' WHEN 5 THEN
    'token-classification' WHEN 6 THEN 'object-detection' WHEN 7 THEN 'feature-extraction' WHEN
    8 THEN 'tabular-classification' WHEN 9 THEN 'text-to-speech' WHEN 10 THEN 'translation' WHEN
    11 THEN 'reinforcement-learning' WHEN 12 THEN 'summarization' WHEN 13 THEN 'fill-mask' WHEN
    14 THEN 'sentence-similarity' WHEN 15 THEN 'image-text-to-text' WHEN 16 THEN
    'question-answering' WHEN 17 THEN 'text2text-generation' WHEN 18 THEN 'image-to-text' WHEN
    19 THEN 'zero-shot-classification' WHEN 20 THEN 'image-segmentation' WHEN 21 THEN
    'audio-classification' WHEN 22 THEN 'text-to-audio' WHEN 23 THEN 'tabular-regression' WHEN
    24 THEN 'visual-question-answering' WHEN 25 THEN 'zero-shot-image-classification' WHEN 26
    THEN 'image-to-image' WHEN 27 THEN 'depth-estimation' WHEN 28 THEN 'video-classification'
    WHEN 29 THEN 'text-to-video' WHEN 30 THEN 'any-to-any' WHEN 31 THEN 'robotics' WHEN 32 THEN
    'document-question-answering' WHEN 33 THEN 'mask-generation' WHEN 34 THEN
    'zero-shot-object-detection' WHEN 35 THEN 'image-feature-extraction' WHEN 36 THEN
    'audio-to-audio' WHEN 37 THEN 'voice-activity-detection' WHEN 38 THEN
    'table-question-answering' WHEN 39 THEN 'unconditional-image-generation' WHEN 40 THEN
    'image-to-video' WHEN 41 THEN 'text-ranking' WHEN 42 THEN 'keypoint-detection' WHEN 43 THEN
    'video-text-to-text' WHEN 44 THEN 'image-to-3d' WHEN 45 THEN 'text-to-3d' WHEN 46 THEN
    'time-series-forecasting' WHEN 47 THEN 'graph-ml' WHEN 48 THEN 'other' END ELSE
    pipeline_code END) VIRTUAL,
  library_name TEXT GENERATED ALWAYS AS (CASE typeof(library_code) WHEN 'integer' THEN CASE library_code WHEN 0 THEN 'transformers' WHEN
    1 THEN 'peft' WHEN 2 THEN 'diffusers' WHEN 3 THEN 'sentence-transformers' WHEN 4 THEN
    'stable-baselines3' WHEN 5 THEN 'ml-agents' WHEN 6 THEN 'sklearn' WHEN 7 THEN 'keras' WHEN 8
    THEN 'ultralytics' WHEN 9 THEN 'pytorch' WHEN 10 THEN 'timm' WHEN 11 THEN 'gguf' WHEN 12
    THEN 'safetensors' WHEN 13 THEN 'onnx' WHEN 14 THEN 'mlx' WHEN 15 THEN 'transformers.js'
    WHEN 16 THEN 'adapter-transformers' WHEN 17 THEN 'spacy' WHEN 18 THEN 'fastai' WHEN 19 THEN
    'tensorflow' WHEN 20 THEN 'tf-keras' WHEN 21 THEN 'llama.cpp' WHEN 22 THEN 'open_clip' WHEN
    23 THEN 'flair' WHEN 24 THEN 'espnet' WHEN 25 THEN 'speechbrain' WHEN 26 THEN 'nemo' WHEN 27
    THEN 'pyannote-audio' WHEN 28 THEN 'sample-factory' WHEN 29 THEN 'setfit' WHEN 30 THEN
    'coreml' WHEN 31 THEN 'openvino' WHEN 32 THEN 'paddlenlp' WHEN 33 THEN 'fairseq' WHEN 34
    THEN 'span-marker' WHEN 35 THEN 'unity-sentis' WHEN 36 THEN 'joblib' WHEN 37 THEN
    'scikit-learn' WHEN 38 THEN 'asteroid' WHEN 39 THEN 'allennlp' WHEN 40 THEN 'bertopic' WHEN
    41 THEN 'ctranslate2' WHEN 42 THEN 'lerobot' END ELSE library_code END) VIRTUAL,
  created_at   TEXT GENERATED ALWAYS AS (CASE typeof(created_time) WHEN 'integer'
    THEN strftime('%Y-%m-%dT%H:%M:%S.000Z', created_time, 'unixepoch') ELSE created_time END) VIRTUAL,
  source,
  new_version  TEXT,
  tags         TEXT,
  languages    TEXT,
  key          TEXT GENERATED ALWAYS AS (lower(display)) VIRTUAL,
  namespace    TEXT GENERATED ALWAYS AS (CASE
    WHEN instr(CASE WHEN substr(key, 1, 9) = 'datasets/' THEN substr(key, 10) ELSE key END, '/') = 0
    THEN ''
    ELSE substr(CASE WHEN substr(key, 1, 9) = 'datasets/' THEN substr(key, 10) ELSE key END, 1,
                instr(CASE WHEN substr(key, 1, 9) = 'datasets/' THEN substr(key, 10) ELSE key END,
                      '/') - 1) END) VIRTUAL,
  name_key     TEXT GENERATED ALWAYS AS (
    substr(key, length(rtrim(key, replace(key, '/', ''))) + 1)) VIRTUAL,
  created_time,
  pipeline_code,
  library_code,
  license_code
);
INSERT INTO artifact_v13(id, display, kind, declared, origin, license_code, license_name,
    license_link, pipeline_code, library_code, created_time, source, new_version, tags, languages)
  SELECT id, display, kind, declared, origin,
    CASE license WHEN 'apache-2.0' THEN 0 WHEN 'mit' THEN 1 WHEN 'other' THEN 2 WHEN 'cc-by-nc-4.0'
    THEN 3 WHEN 'cc-by-4.0' THEN 4 WHEN 'openrail' THEN 5 WHEN 'gpl-3.0' THEN 6 WHEN 'gemma'
    THEN 7 WHEN 'bsd-3-clause' THEN 8 WHEN 'unknown' THEN 9 WHEN 'llama3.1' THEN 10 WHEN
    'afl-3.0' THEN 11 WHEN 'llama3' THEN 12 WHEN 'openrail++' THEN 13 WHEN 'llama2' THEN 14 WHEN
    'llama3.2' THEN 15 WHEN 'creativeml-openrail-m' THEN 16 WHEN 'llama3.3' THEN 17 WHEN
    'cc-by-sa-4.0' THEN 18 WHEN 'cc-by-nc-sa-4.0' THEN 19 WHEN 'cc-by-nc-nd-4.0' THEN 20 WHEN
    'cc-by-nd-4.0' THEN 21 WHEN 'cc0-1.0' THEN 22 WHEN 'agpl-3.0' THEN 23 WHEN 'lgpl-3.0' THEN
    24 WHEN 'gpl-2.0' THEN 25 WHEN 'lgpl-2.1' THEN 26 WHEN 'bsd-2-clause' THEN 27 WHEN 'bsd'
    THEN 28 WHEN 'mpl-2.0' THEN 29 WHEN 'artistic-2.0' THEN 30 WHEN 'wtfpl' THEN 31 WHEN
    'unlicense' THEN 32 WHEN 'bigscience-openrail-m' THEN 33 WHEN 'bigscience-bloom-rail-1.0'
    THEN 34 WHEN 'bigcode-openrail-m' THEN 35 WHEN 'llama4' THEN 36 WHEN 'cc-by-3.0' THEN 37
    WHEN 'cc-by-sa-3.0' THEN 38 WHEN 'cc-by-nc-3.0' THEN 39 WHEN 'cc-by-2.0' THEN 40 WHEN
    'cc-by-nc-2.0' THEN 41 WHEN 'apple-ascl' THEN 42 WHEN 'deepfloyd-if-license' THEN 43 WHEN
    'odc-by' THEN 44 WHEN 'odbl' THEN 45 WHEN 'pddl' THEN 46 WHEN 'ecl-2.0' THEN 47 WHEN
    'epl-2.0' THEN 48 WHEN 'eupl-1.1' THEN 49 WHEN 'osl-3.0' THEN 50 WHEN 'ms-pl' THEN 51 WHEN
    'ncsa' THEN 52 WHEN 'zlib' THEN 53 WHEN 'isc' THEN 54 WHEN 'c-uda' THEN 55 WHEN
    'cdla-permissive-2.0' THEN 56 WHEN 'cdla-sharing-1.0' THEN 57 WHEN 'gfdl' THEN 58 WHEN
    'lgpl-lr' THEN 59 WHEN 'h-research' THEN 60 ELSE license END,
    license_name, license_link,
    CASE pipeline_tag WHEN 'text-generation' THEN 0 WHEN 'text-to-image' THEN 1 WHEN
    'text-classification' THEN 2 WHEN 'automatic-speech-recognition' THEN 3 WHEN
    'image-classification' THEN 4 WHEN 'token-classification' THEN 5 WHEN 'object-detection'
    THEN 6 WHEN 'feature-extraction' THEN 7 WHEN 'tabular-classification' THEN 8 WHEN
    'text-to-speech' THEN 9 WHEN 'translation' THEN 10 WHEN 'reinforcement-learning' THEN 11
    WHEN 'summarization' THEN 12 WHEN 'fill-mask' THEN 13 WHEN 'sentence-similarity' THEN 14
    WHEN 'image-text-to-text' THEN 15 WHEN 'question-answering' THEN 16 WHEN
    'text2text-generation' THEN 17 WHEN 'image-to-text' THEN 18 WHEN 'zero-shot-classification'
    THEN 19 WHEN 'image-segmentation' THEN 20 WHEN 'audio-classification' THEN 21 WHEN
    'text-to-audio' THEN 22 WHEN 'tabular-regression' THEN 23 WHEN 'visual-question-answering'
    THEN 24 WHEN 'zero-shot-image-classification' THEN 25 WHEN 'image-to-image' THEN 26 WHEN
    'depth-estimation' THEN 27 WHEN 'video-classification' THEN 28 WHEN 'text-to-video' THEN 29
    WHEN 'any-to-any' THEN 30 WHEN 'robotics' THEN 31 WHEN 'document-question-answering' THEN 32
    WHEN 'mask-generation' THEN 33 WHEN 'zero-shot-object-detection' THEN 34 WHEN
    'image-feature-extraction' THEN 35 WHEN 'audio-to-audio' THEN 36 WHEN
    'voice-activity-detection' THEN 37 WHEN 'table-question-answering' THEN 38 WHEN
    'unconditional-image-generation' THEN 39 WHEN 'image-to-video' THEN 40 WHEN 'text-ranking'
    THEN 41 WHEN 'keypoint-detection' THEN 42 WHEN 'video-text-to-text' THEN 43 WHEN
    'image-to-3d' THEN 44 WHEN 'text-to-3d' THEN 45 WHEN 'time-series-forecasting' THEN 46 WHEN
    'graph-ml' THEN 47 WHEN 'other' THEN 48 ELSE pipeline_tag END,
    CASE library_name WHEN 'transformers' THEN 0 WHEN 'peft' THEN 1 WHEN 'diffusers' THEN 2 WHEN
    'sentence-transformers' THEN 3 WHEN 'stable-baselines3' THEN 4 WHEN 'ml-agents' THEN 5 WHEN
    'sklearn' THEN 6 WHEN 'keras' THEN 7 WHEN 'ultralytics' THEN 8 WHEN 'pytorch' THEN 9 WHEN
    'timm' THEN 10 WHEN 'gguf' THEN 11 WHEN 'safetensors' THEN 12 WHEN 'onnx' THEN 13 WHEN 'mlx'
    THEN 14 WHEN 'transformers.js' THEN 15 WHEN 'adapter-transformers' THEN 16 WHEN 'spacy' THEN
    17 WHEN 'fastai' THEN 18 WHEN 'tensorflow' THEN 19 WHEN 'tf-keras' THEN 20 WHEN 'llama.cpp'
    THEN 21 WHEN 'open_clip' THEN 22 WHEN 'flair' THEN 23 WHEN 'espnet' THEN 24 WHEN
    'speechbrain' THEN 25 WHEN 'nemo' THEN 26 WHEN 'pyannote-audio' THEN 27 WHEN
    'sample-factory' THEN 28 WHEN 'setfit' THEN 29 WHEN 'coreml' THEN 30 WHEN 'openvino' THEN 31
    WHEN 'paddlenlp' THEN 32 WHEN 'fairseq' THEN 33 WHEN 'span-marker' THEN 34 WHEN
    'unity-sentis' THEN 35 WHEN 'joblib' THEN 36 WHEN 'scikit-learn' THEN 37 WHEN 'asteroid'
    THEN 38 WHEN 'allennlp' THEN 39 WHEN 'bertopic' THEN 40 WHEN 'ctranslate2' THEN 41 WHEN
    'lerobot' THEN 42 ELSE library_name END,
    CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].000Z' AND strftime('%Y-%m-%dT%H:%M:%S.000Z', CAST(strftime('%s', created_at) AS INTEGER), 'unixepoch') = created_at THEN CAST(strftime('%s', created_at) AS INTEGER) ELSE created_at END,
    source, new_version, tags, languages
  FROM artifact ORDER BY id;
DROP TABLE artifact;
PRAGMA legacy_alter_table = ON;
ALTER TABLE artifact_v13 RENAME TO artifact;
PRAGMA legacy_alter_table = OFF;
CREATE UNIQUE INDEX artifact_key ON artifact(key);
CREATE INDEX artifact_name_key ON artifact(name_key);
CREATE INDEX artifact_namespace ON artifact(namespace);
CREATE TRIGGER artifact_display_change AFTER UPDATE OF display ON artifact
  WHEN old.display IS NOT new.display
BEGIN
  INSERT INTO detail_parent_change(artifact, display, last_evidence)
    VALUES (old.id, old.display, COALESCE((SELECT max(id) FROM evidence_data), 0));
END;
-- origin_data.artifact names the artifact each document declares, derived
-- name or not: a changed document's artifact attributes and record are found
-- through it, and the indexes artifact_origin and artifact_record_origin go.
-- A name derived from another artifact than its record's is written out.
UPDATE origin_data AS o SET
    name = CASE WHEN o.name IS NOT NULL THEN o.name ELSE (SELECT f.prefix || a.key || f.suffix
      FROM origin_form f, artifact a WHERE f.id = o.form AND a.id = o.artifact) END,
    form = CASE WHEN o.name IS NOT NULL THEN o.form END,
    artifact = r.artifact
  FROM (SELECT origin, min(artifact) AS artifact FROM artifact_record_data GROUP BY origin) AS r
  WHERE r.origin = o.id AND o.artifact IS NOT r.artifact;
UPDATE origin_data AS o SET artifact = a.id FROM artifact a
  WHERE o.artifact IS NULL AND a.origin = o.id;
DROP INDEX artifact_record_origin;
-- The effective organizations are computed from their layers on read (the
-- layer read last wins), no longer copied into a table at each run's end.
DROP TABLE organization;
CREATE VIEW organization AS
  SELECT l.namespace, l.display, l.organization, l.country, l.kind, l.source, l.origin,
    l.source_kind, l.checked, l.parent
  FROM organization_layer l
  WHERE l.seq = (SELECT max(m.seq) FROM organization_layer m WHERE m.namespace = l.namespace);
)sql";


}  // namespace

const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kMigrations = {kV1,          kV2Licenses,  kGitRepositories,
                                                       kV4Layers,    kV5Reference, kV6Inference,
                                                       kV7Adjacency, kV8Popularity, kV9LeanRecords,
                                                       kV10Compact,  kV11DerivedOrigins, kV12Lean,
                                                       kV13CreatedTime};
  return kMigrations;
}

}  // namespace lineage::schema
