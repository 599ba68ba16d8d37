-- Issue 15: what the daily ladder pass last handled for each elder, so that a pass reads only
-- the elders whose ladder may have changed since (handlers/escalation.rs).
--
-- passed_version / passed_computed: the row's `version` and `computed_on` when the pass last
-- handled the elder. A write of an input bumps `version` (the triggers of 0170) and a
-- recomputation sets `computed_on`, so a row that differs from what the pass saw (a visit that
-- may clear a step, a new period, a surge) is read again. next_step_on: the first day after
-- that pass on which an unmet requirement reaches a step not written yet
-- (domain::due_state::next_step_after; NULL when none is ahead). The pass reads an elder when
-- next_step_on <= its day or the row differs; every other elder has nothing to write. A new
-- row (NULLs) is always read.
ALTER TABLE due_elders ADD COLUMN passed_version INTEGER;
ALTER TABLE due_elders ADD COLUMN passed_computed TEXT;
ALTER TABLE due_elders ADD COLUMN next_step_on TEXT;

-- The pass and the roll-over walk a community's rows in elder order, a page at a time.
CREATE INDEX due_elders_community ON due_elders(region_code, elder_id);
