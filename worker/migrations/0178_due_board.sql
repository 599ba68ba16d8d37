-- Issue 15: the due board's reads by index only.
--
-- The roll-over check (worker/src/due_state.rs) asks for the rows of a scope that are stale on
-- a day: valid_until <= day (index due_elders_region) or computed_on > day (a clock set back;
-- this index), two index range reads instead of a scan of the scope's rows.
CREATE INDEX due_elders_computed ON due_elders(region_code, computed_on);

-- The board lists the elders who declined visits apart: a few per community, found without
-- reading every elder file of the scope.
CREATE INDEX elders_declined ON elders(region_code) WHERE in_scope = 1 AND consent = 'declined';
