-- The escalation ladder (issue 15): the steps each unmet requirement has reached, written by the
-- worker's daily ladder pass (handlers/escalation.rs) from domain::escalation.
--
-- One row per (elder, requirement, period_start, step), written once (INSERT OR IGNORE on the
-- primary key), so running a pass twice writes nothing new. `requirement` is the worker's key
-- of a requirement: `kind.mode.count/per`, with `@surge-id` for a surge's requirement.
-- `responsible_id` / `backup_id`: the visitors assigned when the step was reached.
-- `cleared_on`: the day a pass found the requirement met after all (the row stays, as history;
-- the phones and the at-risk view leave it out).
-- For `missed`: the coordinator's reason (hospital 住院, away 外出, refused 拒绝入户,
-- deceased 去世, other + text), who recorded it and when.
CREATE TABLE escalation_steps (
  elder_id TEXT NOT NULL,
  requirement TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL,
  step TEXT NOT NULL CHECK (step IN ('reminded', 'handed_to_backup', 'community_staff', 'missed')),
  reached_on TEXT NOT NULL,
  community_code TEXT NOT NULL,
  responsible_id TEXT,
  backup_id TEXT,
  substitute TEXT,
  non_qualifying INTEGER NOT NULL DEFAULT 0,
  cleared_on TEXT,
  reason TEXT CHECK (reason IN ('hospital', 'away', 'refused', 'deceased', 'other')),
  reason_text TEXT NOT NULL DEFAULT '',
  reason_by TEXT,
  reason_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (elder_id, requirement, period_start, step)
);
CREATE INDEX escalation_steps_community ON escalation_steps(community_code, period_end);
CREATE INDEX escalation_steps_responsible ON escalation_steps(responsible_id, period_end);
CREATE INDEX escalation_steps_backup ON escalation_steps(backup_id, period_end);

-- The last day the ladder pass ran for each scope (a community's region code): the scheduled
-- trigger runs every minute and passes each scope at most once a day.
CREATE TABLE ladder_passes (
  scope TEXT PRIMARY KEY,
  last_date TEXT NOT NULL,
  at INTEGER NOT NULL
);
