#include "store/migrations.h"

namespace candor::store {

namespace {

// 1: the core tables of DESIGN.md's data model. Instants are INTEGER milliseconds
// since the Unix epoch (UTC). Direct identifiers appear in no column: they are in
// vault.ciphertext, encrypted; lookups go through blind_index.
constexpr std::string_view kV1 = R"SQL(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE purposes (
  name             TEXT PRIMARY KEY,
  legal_basis      TEXT NOT NULL CHECK (legal_basis IN
                     ('consent', 'legitimate_interest', 'contract', 'legal_obligation')),
  direct_marketing INTEGER NOT NULL CHECK (direct_marketing IN (0, 1)),
  channels         TEXT NOT NULL,
  retention_days   INTEGER NOT NULL,
  active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) WITHOUT ROWID;

CREATE TABLE accounts (
  account_id     TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  industry       TEXT,
  employees      INTEGER,
  annual_revenue REAL,
  country        TEXT,
  status         TEXT NOT NULL CHECK (status IN ('customer', 'prospect')),
  created_at     INTEGER NOT NULL
);

CREATE TABLE subjects (
  subject_key INTEGER PRIMARY KEY,
  subject_id  BLOB NOT NULL UNIQUE CHECK (length(subject_id) = 16),
  account_id  TEXT REFERENCES accounts(account_id),
  job_title   TEXT,
  seniority   TEXT,
  department  TEXT,
  country     TEXT,
  time_zone   TEXT,
  language    TEXT,
  is_minor    INTEGER NOT NULL DEFAULT 0 CHECK (is_minor IN (0, 1)),
  created_at  INTEGER NOT NULL,
  source      TEXT NOT NULL
);
CREATE INDEX subjects_account ON subjects(account_id);

-- The per-subject data key, wrapped (XChaCha20-Poly1305) by the workspace master
-- key. Erasure deletes this row: the vault ciphertext becomes unreadable.
CREATE TABLE subject_keys (
  subject_key INTEGER PRIMARY KEY REFERENCES subjects(subject_key) ON DELETE CASCADE,
  nonce       BLOB NOT NULL,
  wrapped     BLOB NOT NULL
);

-- Direct identifiers (contact id, email, names, phone), sealed with the subject key.
CREATE TABLE vault (
  subject_key INTEGER PRIMARY KEY REFERENCES subjects(subject_key) ON DELETE CASCADE,
  nonce       BLOB NOT NULL,
  ciphertext  BLOB NOT NULL
);

-- Keyed BLAKE2b of a normalised identifier (kind-separated) → subject.
CREATE TABLE blind_index (
  hash        BLOB PRIMARY KEY CHECK (length(hash) = 32),
  subject_key INTEGER NOT NULL REFERENCES subjects(subject_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX blind_index_subject ON blind_index(subject_key);

CREATE TABLE subject_attributes (
  subject_key INTEGER NOT NULL REFERENCES subjects(subject_key) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  number      REAL,
  text        TEXT,
  PRIMARY KEY (subject_key, name)
) WITHOUT ROWID;

-- Dictionaries keep the events table narrow.
CREATE TABLE event_types (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE urls        (id INTEGER PRIMARY KEY, url  TEXT NOT NULL UNIQUE);
CREATE TABLE campaigns   (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

-- The largest table is clustered by subject and time: features read one
-- subject's events in time order, and an insert touches one b-tree less than a
-- rowid table with a (subject, ts) index. seq (from the sequences table) makes
-- the key unique and keeps the order of arrival. No foreign-key clauses: a check
-- per row would cost three lookups, and ingest resolves every reference before
-- it writes; erasure still cascades, through the trigger below, and dictionary
-- rows are never deleted.
CREATE TABLE sequences (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO sequences VALUES ('events', 0);
CREATE TABLE events (
  subject_key INTEGER NOT NULL,
  ts          INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  type_id     INTEGER NOT NULL,
  url_id      INTEGER,
  campaign_id INTEGER,
  value       REAL,
  event_id    TEXT,
  PRIMARY KEY (subject_key, ts, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX events_event_id ON events(event_id) WHERE event_id IS NOT NULL;
CREATE TRIGGER subjects_delete_events AFTER DELETE ON subjects
BEGIN DELETE FROM events WHERE subject_key = old.subject_key; END;

-- Consent events are only ever appended; the state is derived from them.
CREATE TABLE consent_events (
  id             INTEGER PRIMARY KEY,
  subject_key    INTEGER NOT NULL REFERENCES subjects(subject_key) ON DELETE CASCADE,
  purpose        TEXT NOT NULL,
  action         TEXT NOT NULL CHECK (action IN ('grant', 'withdraw', 'object')),
  legal_basis    TEXT NOT NULL,
  source         TEXT NOT NULL,
  method         TEXT,
  notice_version TEXT,
  evidence       TEXT,
  ts             INTEGER NOT NULL,
  recorded_at    INTEGER NOT NULL,
  UNIQUE (subject_key, purpose, action, ts, source)
);
CREATE INDEX consent_events_subject ON consent_events(subject_key, purpose, ts);
CREATE INDEX consent_events_objections ON consent_events(subject_key) WHERE action = 'object';
CREATE TRIGGER consent_events_append_only_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent events are append-only'); END;

CREATE TABLE outcomes (
  subject_key INTEGER NOT NULL REFERENCES subjects(subject_key) ON DELETE CASCADE,
  target      TEXT NOT NULL,
  ts          INTEGER NOT NULL,
  value       REAL NOT NULL,
  PRIMARY KEY (subject_key, target, ts)
) WITHOUT ROWID;

-- Protected attributes: for the fairness audit only, never features.
CREATE TABLE protected_attributes (
  subject_key INTEGER NOT NULL REFERENCES subjects(subject_key) ON DELETE CASCADE,
  attribute   TEXT NOT NULL,
  value       TEXT NOT NULL,
  PRIMARY KEY (subject_key, attribute)
) WITHOUT ROWID;
)SQL";

// 2: the tamper-evident ledger (src/ledger/ledger.h, docs/LEDGER.md). Every column is
// covered by the entry's hash or derived from it: leaf = SHA-256(0x00 || entry), the
// entry holds the SHA-256 of its payload, a tree head's root and size are signed
// (Ed25519 over the C2SP checkpoint) and its timestamp is the time of the newest entry
// it covers, and the peaks are recomputed from the leaves by `candor ledger verify`.
// The triggers guard against bugs, not against people: the hashes do that.
constexpr std::string_view kV2 = R"SQL(
CREATE TABLE ledger (
  idx   INTEGER PRIMARY KEY CHECK (idx >= 0),
  leaf  BLOB NOT NULL CHECK (length(leaf) = 32),
  entry TEXT NOT NULL
);
CREATE TABLE ledger_payloads (
  idx     INTEGER PRIMARY KEY CHECK (idx >= 0),
  payload TEXT NOT NULL
);
CREATE TABLE tree_heads (
  size      INTEGER PRIMARY KEY CHECK (size >= 0),
  root      BLOB NOT NULL CHECK (length(root) = 32),
  timestamp INTEGER NOT NULL,
  signature BLOB NOT NULL CHECK (length(signature) = 64)
);
CREATE TABLE ledger_peaks (
  level INTEGER PRIMARY KEY CHECK (level BETWEEN 0 AND 63),
  hash  BLOB NOT NULL CHECK (length(hash) = 32)
);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_payloads_no_update BEFORE UPDATE ON ledger_payloads
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_payloads_no_delete BEFORE DELETE ON ledger_payloads
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER tree_heads_no_update BEFORE UPDATE ON tree_heads
BEGIN SELECT RAISE(ABORT, 'tree heads are append-only'); END;
CREATE TRIGGER tree_heads_no_delete BEFORE DELETE ON tree_heads
BEGIN SELECT RAISE(ABORT, 'tree heads are append-only'); END;
)SQL";

// 3: the model registry and stored scores (src/store/registry_store.h). seq keeps
// creation order; a partial unique index allows one active model per target.
// Scores keep the exact contributions (float64 array, bias last) and the reason
// texts, and go with their subject on erasure.
constexpr std::string_view kV3 = R"SQL(
CREATE TABLE models (
  seq           INTEGER PRIMARY KEY,
  version       TEXT NOT NULL UNIQUE,
  target        TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('candidate', 'active', 'retired')),
  created_at    INTEGER NOT NULL,
  spec          TEXT NOT NULL,
  metrics       TEXT NOT NULL,
  fairness      TEXT,
  booster       TEXT NOT NULL,
  approved_by   TEXT,
  justification TEXT
);
CREATE UNIQUE INDEX models_one_active ON models(target) WHERE status = 'active';

CREATE TABLE score_runs (
  id            INTEGER PRIMARY KEY,
  model_version TEXT NOT NULL REFERENCES models(version),
  as_of         INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  rows          INTEGER NOT NULL
);

CREATE TABLE scores (
  subject_key   INTEGER NOT NULL REFERENCES subjects(subject_key) ON DELETE CASCADE,
  run           INTEGER NOT NULL REFERENCES score_runs(id),
  model_version TEXT NOT NULL,
  ts            INTEGER NOT NULL,
  score         REAL NOT NULL,
  probability   REAL NOT NULL,
  margin        REAL NOT NULL,
  contributions BLOB NOT NULL,
  reasons       TEXT NOT NULL,
  PRIMARY KEY (subject_key, run)
) WITHOUT ROWID;
CREATE INDEX scores_run ON scores(run);
)SQL";

// 4: data-subject rights (src/store/privacy_store.h). Suppressions are keyed
// hashes that outlive their subject (no foreign key); restrictions go with it;
// the request register and the list of exports name subjects only by a keyed
// hash, so they survive erasure without identifying anyone.
constexpr std::string_view kV4 = R"SQL(
CREATE TABLE suppressions (
  hash       BLOB PRIMARY KEY CHECK (length(hash) = 32),
  reason     TEXT NOT NULL CHECK (reason IN ('objection', 'erasure')),
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE restrictions (
  subject_key INTEGER PRIMARY KEY REFERENCES subjects(subject_key) ON DELETE CASCADE,
  since       INTEGER NOT NULL
);

CREATE TABLE dsr_requests (
  id           INTEGER PRIMARY KEY,
  type         TEXT NOT NULL CHECK (type IN ('access', 'erasure', 'restriction', 'objection')),
  subject_hash BLOB NOT NULL CHECK (length(subject_hash) = 32),
  received     INTEGER NOT NULL,
  due          INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  closed       INTEGER,
  outcome      TEXT
);
CREATE INDEX dsr_requests_subject ON dsr_requests(subject_hash);

CREATE TABLE dsr_exports (
  id           INTEGER PRIMARY KEY,
  request      INTEGER NOT NULL REFERENCES dsr_requests(id),
  subject_hash BLOB NOT NULL,
  path         TEXT NOT NULL,
  written      INTEGER NOT NULL
);
CREATE INDEX dsr_exports_subject ON dsr_exports(subject_hash);
)SQL";

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kAll = {
      {1, "core tables", kV1},
      {2, "ledger", kV2},
      {3, "model registry and scores", kV3},
      {4, "data-subject rights", kV4},
  };
  return kAll;
}

}  // namespace candor::store
