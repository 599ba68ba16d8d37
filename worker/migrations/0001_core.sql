-- Tanfang D1 schema, part 1: regions, accounts, sessions, log-in attempts, audit log, settings.
-- Times are Unix milliseconds (INTEGER); dates are 'YYYY-MM-DD' (China Standard Time).

-- Administrative tree (省 > 市 > 区/县 > 街道/乡镇 > 社区/村), 12-digit 统计用区划代码: a node's
-- subtree is every code starting with its significant prefix (domain::region), queried as the
-- index-friendly range code BETWEEN prefix||'000…' AND prefix||'999…'.
CREATE TABLE regions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('province', 'city', 'district', 'street', 'community')),
  parent_code TEXT REFERENCES regions(code)
);
CREATE INDEX regions_parent ON regions(parent_code);

-- Enterprise / school groups paired (结对) with a community.
CREATE TABLE volunteer_groups (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'school', 'other')),
  paired_region_code TEXT REFERENCES regions(code),
  created_at INTEGER NOT NULL
);

-- Every person who logs in. Coordinators are scoped to the subtree of `region_code`.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('volunteer', 'group_admin', 'coordinator', 'admin')),
  -- volunteer kinds: volunteer (志愿者), student (在校生), grid (网格员), social_worker, …
  volunteer_kind TEXT,
  region_code TEXT REFERENCES regions(code),
  group_id TEXT REFERENCES volunteer_groups(id),
  phone TEXT,
  school TEXT,
  class_name TEXT,
  student_number TEXT,
  password_hash TEXT NOT NULL,
  password_salt TEXT NOT NULL,
  password_iterations INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX accounts_region ON accounts(region_code);
CREATE INDEX accounts_group ON accounts(group_id);

-- Opaque session tokens: only their SHA-256 (hex) is stored.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX sessions_account ON sessions(account_id);

-- Failed log-ins, keyed 'login:<login>' and 'ip:<address>', for rate limiting.
CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX login_attempts_key_at ON login_attempts(key, at);

-- Who read or changed what: full-file reads, reveals, exports, log-ins, edits.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT,
  ip TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);

-- Deployment settings, e.g. key 'policy' → 'jiangmen'.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('policy', 'national');
