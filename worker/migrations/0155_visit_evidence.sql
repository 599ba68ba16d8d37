-- Visit evidence (issue 16): the flags tanfang_domain::evidence computes for each visit, as a
-- JSON array of wire names (late_entry, clock_skew, far_from_home, burst, home_unconfirmed).
-- Written by the push; a later visit that completes a burst adds `burst` to the earlier ones.
-- Visits stored before this migration have none ('[]'): flags never block and old records
-- stay valid. The index serves the push's look-up of a visitor's visits near in phone time.
ALTER TABLE visits ADD COLUMN evidence_flags TEXT NOT NULL DEFAULT '[]';
CREATE INDEX visits_visitor_evidence ON visits(visitor_id);
