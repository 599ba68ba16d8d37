-- Tanfang D1 schema, part 2: elder files, assignments, visits, sync bookkeeping, conflicts,
-- monthly tallies, surges.

-- Change feed: every write takes the next cursor here (one row per request, shared by all
-- rows that request writes). Pulls return what changed after the client's cursor.
CREATE TABLE feed (
  cursor INTEGER PRIMARY KEY AUTOINCREMENT,
  actor_id TEXT,
  what TEXT NOT NULL,
  at INTEGER NOT NULL
);
INSERT INTO feed (cursor, actor_id, what, at) VALUES (1, NULL, 'genesis', 0);

-- 一人一档. `file` holds the non-sensitive fields as JSON; `sensitive` holds ID-number-grade
-- fields (certificate numbers, income, …) and is never selected for volunteers.
-- `field_versions` is {field: version} for the per-field merge (domain::sync).
CREATE TABLE elders (
  id TEXT PRIMARY KEY,
  region_code TEXT NOT NULL REFERENCES regions(code),
  name TEXT NOT NULL,
  name_initials TEXT NOT NULL DEFAULT '',
  name_pinyin TEXT NOT NULL DEFAULT '',
  sex TEXT NOT NULL DEFAULT '',
  birth_date TEXT,
  id_number TEXT,
  address TEXT NOT NULL DEFAULT '',
  categories TEXT NOT NULL DEFAULT '[]',
  tier TEXT,
  requirements TEXT NOT NULL DEFAULT '[]',
  in_scope INTEGER NOT NULL DEFAULT 1,
  consent TEXT NOT NULL DEFAULT 'pending' CHECK (consent IN ('accepted', 'declined', 'pending')),
  responsible_id TEXT REFERENCES accounts(id),
  backup_id TEXT REFERENCES accounts(id),
  file TEXT NOT NULL DEFAULT '{}',
  sensitive TEXT NOT NULL DEFAULT '{}',
  field_versions TEXT NOT NULL DEFAULT '{}',
  cursor INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX elders_region_code_tier ON elders(region_code, tier);
CREATE INDEX elders_initials ON elders(name_initials);
CREATE INDEX elders_name ON elders(name);
CREATE INDEX elders_id_number ON elders(id_number);
CREATE INDEX elders_responsible ON elders(responsible_id);
CREATE INDEX elders_backup ON elders(backup_id);
CREATE INDEX elders_cursor ON elders(cursor);

-- Assignment history (the current one is mirrored in elders.responsible_id/backup_id).
CREATE TABLE assignments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  elder_id TEXT NOT NULL REFERENCES elders(id),
  account_id TEXT NOT NULL REFERENCES accounts(id),
  role TEXT NOT NULL CHECK (role IN ('responsible', 'backup')),
  assigned_by TEXT,
  assigned_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX assignments_elder ON assignments(elder_id);
CREATE INDEX assignments_account ON assignments(account_id);

-- Elder ids that left a user's scope, so their phone deletes them on the next pull.
CREATE TABLE removals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL,
  elder_id TEXT NOT NULL,
  cursor INTEGER NOT NULL
);
CREATE INDEX removals_account_cursor ON removals(account_id, cursor);

-- Visits: append-only, client-generated id. `device_time` is what the phone said,
-- `server_time` when the server stored it.
CREATE TABLE visits (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL REFERENCES elders(id),
  visitor_id TEXT NOT NULL REFERENCES accounts(id),
  date TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('home', 'phone', 'video', 'encounter', 'other')),
  kind TEXT NOT NULL DEFAULT 'visit' CHECK (kind IN ('visit', 'community_help')),
  record TEXT NOT NULL,
  client_id TEXT,
  device_time TEXT,
  server_time INTEGER NOT NULL,
  cursor INTEGER NOT NULL
);
CREATE INDEX visits_elder_date ON visits(elder_id, date);
CREATE INDEX visits_cursor ON visits(cursor);

-- Which elder was visited in which month (YYYY-MM): feeds the monthly tallies.
CREATE TABLE elder_month_visits (
  elder_id TEXT NOT NULL,
  month TEXT NOT NULL,
  PRIMARY KEY (elder_id, month)
);

-- Exactly-once push: last applied seq per (account, client). An update must say which value
-- it expects to replace (expected_prev); a concurrent push that lost the race aborts the whole
-- D1 batch through this trigger.
CREATE TABLE client_seq (
  account_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0,
  expected_prev INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, client_id)
);
CREATE TRIGGER client_seq_guard BEFORE UPDATE OF last_seq ON client_seq
WHEN OLD.last_seq != NEW.expected_prev
BEGIN
  SELECT RAISE(ABORT, 'seq_race');
END;

-- Concurrent edits of the same field: both values kept for a coordinator.
CREATE TABLE conflicts (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL REFERENCES elders(id),
  field TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  server_version INTEGER NOT NULL,
  server_value TEXT NOT NULL,
  client_value TEXT NOT NULL,
  submitted_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolved_by TEXT,
  resolved_at INTEGER,
  resolution TEXT
);
CREATE INDEX conflicts_elder ON conflicts(elder_id);
CREATE INDEX conflicts_status ON conflicts(status);

-- 月探访率 per month × community × tier, recomputed for the touched (month, community) on
-- every write that can change it.
CREATE TABLE monthly_tallies (
  month TEXT NOT NULL,
  community_code TEXT NOT NULL,
  tier TEXT NOT NULL,
  in_scope INTEGER NOT NULL,
  visited INTEGER NOT NULL,
  declined INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (month, community_code, tier)
);

-- Surges (加密探访): extra requirement for an area and date range.
CREATE TABLE surges (
  id TEXT PRIMARY KEY,
  region_code TEXT NOT NULL REFERENCES regions(code),
  -- the subtree as a code range: every elder with region_lo <= region_code <= region_hi
  region_lo TEXT NOT NULL,
  region_hi TEXT NOT NULL,
  title TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  tiers TEXT NOT NULL DEFAULT '[]',
  categories TEXT NOT NULL DEFAULT '[]',
  requirement TEXT NOT NULL,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  cursor INTEGER NOT NULL
);
CREATE INDEX surges_dates ON surges(end_date);
