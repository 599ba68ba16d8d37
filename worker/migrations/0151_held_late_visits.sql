-- Issue 16: late visits held out of a closed month until someone gives a reason.
--
-- A phone cannot add a reason to a visit it pushes, so a visit dated inside a closed month
-- without `correction_reason` is stored and acknowledged like any visit (the phone's outbox
-- never sticks on it) and recorded here "awaiting a reason" (待补充原因). It is not a
-- correction of the month until a coordinator in scope gives the reason
-- (`POST /api/months/:m/held/:visit_id/reason`): then its `month_corrections` row is written
-- and `resolved_at`/`resolved_by` are set here. Rows are never deleted.
CREATE TABLE held_late_visits (
  visit_id TEXT PRIMARY KEY,
  month TEXT NOT NULL,
  elder_id TEXT NOT NULL,
  region_code TEXT NOT NULL,
  date TEXT NOT NULL,
  mode TEXT NOT NULL,
  kind TEXT NOT NULL,
  entered_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  resolved_at INTEGER,
  resolved_by TEXT
);
CREATE INDEX held_late_visits_month ON held_late_visits(month, region_code);
