-- Issue 16: policy versions with an effective date, monthly close (月报), corrections.

-- The deployment's policy over time (domain::month_close::PolicyTimeline). The value of
-- settings 'policy' is the built-in profile in force before the first row here; every row is
-- a profile adopted from `effective_from` on (a built-in one, or a stricter local profile
-- checked with PolicyProfile::check_not_weaker_than). Rows are never updated or deleted.
CREATE TABLE policy_versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  effective_from TEXT NOT NULL,
  profile TEXT NOT NULL,
  reason TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX policy_versions_effective ON policy_versions(effective_from);

-- A closed month of a region subtree: the snapshot (domain::month_close::MonthSnapshot, JSON)
-- and the digest of its inputs. Never updated: the snapshot never changes.
CREATE TABLE month_closes (
  id TEXT PRIMARY KEY,
  month TEXT NOT NULL,
  region_code TEXT NOT NULL REFERENCES regions(code),
  region_lo TEXT NOT NULL,
  region_hi TEXT NOT NULL,
  policy TEXT NOT NULL,
  snapshot TEXT,
  digest TEXT,
  closed_by TEXT NOT NULL,
  closed_at INTEGER NOT NULL,
  UNIQUE (month, region_code)
);
CREATE INDEX month_closes_month ON month_closes(month, region_lo);

-- The inputs a close was computed from, one row per elder of the subtree at close time:
-- the classification facts (the FACTS_SQL array of migration 0130) and the month's visits as
-- a JSON array of [id, date, mode, kind]. Recompute reruns the domain over these rows.
CREATE TABLE month_close_inputs (
  close_id TEXT NOT NULL REFERENCES month_closes(id),
  elder_id TEXT NOT NULL,
  region_code TEXT NOT NULL,
  facts TEXT NOT NULL,
  visits TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (close_id, elder_id)
);

-- Visits received for a date inside a closed month: accepted only with a reason. The
-- snapshot keeps its figure; the month shows these next to it.
CREATE TABLE month_corrections (
  id TEXT PRIMARY KEY,
  month TEXT NOT NULL,
  elder_id TEXT NOT NULL,
  region_code TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  date TEXT NOT NULL,
  mode TEXT NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  entered_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (visit_id)
);
CREATE INDEX month_corrections_month ON month_corrections(month, region_code);
