-- Issue 15: the incremental per-elder due state, read by the due board (GET /api/due) and the
-- daily ladder pass instead of classifying every elder of the scope on each request.
--
-- due_elders: one row per elder, domain::due_state::due_state of (facts, visits, profile in
-- force, surges, date) as of `computed_on`, valid until `valid_until` (exclusive; '9999-12-31'
-- when only a write can change it). due_items: the elder's due requirements (the board's
-- items), `rank` = their order within the elder. The worker (src/due_state.rs) recomputes a row
-- when a reader (the board, the pass, the dev check) finds it stale as of its day:
-- valid_until <= today (a period rolled over, a birthday, a surge begins, a policy version
-- takes effect, a future-dated visit's day) or computed_on > today.
--
-- Writes mark rows stale here, in triggers, so that no write path can forget it: an elder
-- inserted or its file / consent / scope / community written, a visit inserted, changed or
-- deleted, a surge declared (stale from its start date), changed or removed, a policy version
-- adopted (stale from its effective date) or the base policy setting changed. Each mark bumps
-- `version`, and the worker writes a recomputed row only if the version it read is still there,
-- so a write racing a recomputation is never lost. Assignments are not inputs: the board joins
-- the responsible visitor's name when it reads.

CREATE TABLE due_elders (
  elder_id TEXT PRIMARY KEY,
  region_code TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  computed_on TEXT NOT NULL DEFAULT '',
  valid_until TEXT NOT NULL DEFAULT '',
  tier TEXT,
  tier_rank INTEGER NOT NULL DEFAULT 0,
  last_visit TEXT,
  -- the first day an unmet requirement reaches a ladder step (the pass skips the elder before)
  attention_on TEXT,
  -- the ladder's entries (domain::escalation::RequirementEscalation, JSON array)
  ladder TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX due_elders_region ON due_elders(region_code, valid_until);
CREATE INDEX due_elders_attention ON due_elders(region_code, attention_on);

CREATE TABLE due_items (
  elder_id TEXT NOT NULL,
  rank INTEGER NOT NULL,
  region_code TEXT NOT NULL,
  overdue INTEGER NOT NULL,
  tier TEXT NOT NULL,
  tier_rank INTEGER NOT NULL,
  next_due_by TEXT NOT NULL,
  kind TEXT NOT NULL,
  mode TEXT NOT NULL,
  count INTEGER NOT NULL,
  per TEXT NOT NULL,
  done INTEGER NOT NULL,
  surge TEXT,
  -- domain::schedule::RequirementStatus, JSON (the full answer's `status`)
  status TEXT NOT NULL,
  PRIMARY KEY (elder_id, rank)
);
-- The board's order within a community: a community's board reads the first items in index order
-- and stops at its limit; a wider scope sorts its communities' items.
CREATE INDEX due_items_board ON due_items(region_code, overdue DESC, tier_rank, next_due_by, elder_id, rank);

INSERT INTO due_elders (elder_id, region_code) SELECT id, region_code FROM elders;

CREATE TRIGGER due_elder_insert AFTER INSERT ON elders
BEGIN
  INSERT INTO due_elders (elder_id, region_code) VALUES (NEW.id, NEW.region_code)
  ON CONFLICT(elder_id) DO UPDATE SET region_code = excluded.region_code, valid_until = '',
    version = due_elders.version + 1;
END;

CREATE TRIGGER due_elder_update AFTER UPDATE OF file, consent, in_scope, region_code ON elders
BEGIN
  UPDATE due_elders SET valid_until = '', version = version + 1, region_code = NEW.region_code
  WHERE elder_id = NEW.id;
  UPDATE due_items SET region_code = NEW.region_code
  WHERE elder_id = NEW.id AND region_code <> NEW.region_code;
END;

CREATE TRIGGER due_elder_delete AFTER DELETE ON elders
BEGIN
  DELETE FROM due_items WHERE elder_id = OLD.id;
  DELETE FROM due_elders WHERE elder_id = OLD.id;
END;

CREATE TRIGGER due_visit_insert AFTER INSERT ON visits
BEGIN
  UPDATE due_elders SET valid_until = '', version = version + 1 WHERE elder_id = NEW.elder_id;
END;

CREATE TRIGGER due_visit_update AFTER UPDATE OF elder_id, date, mode, kind ON visits
BEGIN
  UPDATE due_elders SET valid_until = '', version = version + 1
  WHERE elder_id IN (OLD.elder_id, NEW.elder_id);
END;

CREATE TRIGGER due_visit_delete AFTER DELETE ON visits
BEGIN
  UPDATE due_elders SET valid_until = '', version = version + 1 WHERE elder_id = OLD.elder_id;
END;

CREATE TRIGGER due_surge_insert AFTER INSERT ON surges
BEGIN
  UPDATE due_elders SET valid_until = NEW.start_date, version = version + 1
  WHERE region_code BETWEEN NEW.region_lo AND NEW.region_hi AND valid_until > NEW.start_date;
END;

CREATE TRIGGER due_surge_update AFTER UPDATE ON surges
BEGIN
  UPDATE due_elders SET valid_until = '', version = version + 1
  WHERE region_code BETWEEN OLD.region_lo AND OLD.region_hi
     OR region_code BETWEEN NEW.region_lo AND NEW.region_hi;
END;

CREATE TRIGGER due_surge_delete AFTER DELETE ON surges
BEGIN
  UPDATE due_elders SET valid_until = '', version = version + 1
  WHERE region_code BETWEEN OLD.region_lo AND OLD.region_hi;
END;

CREATE TRIGGER due_policy_version AFTER INSERT ON policy_versions
BEGIN
  UPDATE due_elders SET valid_until = NEW.effective_from, version = version + 1
  WHERE valid_until > NEW.effective_from;
END;

CREATE TRIGGER due_policy_setting_insert AFTER INSERT ON settings WHEN NEW.key = 'policy'
BEGIN
  UPDATE due_elders SET valid_until = '', version = version + 1;
END;

CREATE TRIGGER due_policy_setting_update AFTER UPDATE ON settings WHEN NEW.key = 'policy'
BEGIN
  UPDATE due_elders SET valid_until = '', version = version + 1;
END;

CREATE TRIGGER due_policy_setting_delete AFTER DELETE ON settings WHEN OLD.key = 'policy'
BEGIN
  UPDATE due_elders SET valid_until = '', version = version + 1;
END;
