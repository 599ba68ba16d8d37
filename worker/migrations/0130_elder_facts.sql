-- The classification facts of each elder file, kept next to the file so that the due board
-- (GET /api/due) reads ~100 bytes an elder instead of parsing every file (json_extract of 12
-- paths over ~1 KB of JSON: ~85 ms of SQLite for 20,000 elders, the largest part of the read).
--
-- `facts` is the JSON array of the values at these paths, in this order (the worker's
-- FACTS_SQL in handlers/admin.rs, which must list the same paths):
--   birth_date, categories, capability, bedridden, mobility_impaired, dementia,
--   disability_grade, serious_illness, low_income, cohabits_with_impaired_elder,
--   cares_for_impaired_child, consent
-- It depends on the file alone (not on the policy profile or the date: the worker still
-- classifies every elder with the domain on each request), and the triggers below rewrite it
-- whenever a row is inserted or its `file` is written, whichever handler does it (registry,
-- sync push, conflict resolution, import), so it cannot fall behind the file.

ALTER TABLE elders ADD COLUMN facts TEXT;

UPDATE elders SET facts = json_extract(file, '$.birth_date', '$.categories', '$.capability',
  '$.bedridden', '$.mobility_impaired', '$.dementia', '$.disability_grade', '$.serious_illness',
  '$.low_income', '$.cohabits_with_impaired_elder', '$.cares_for_impaired_child', '$.consent');

CREATE TRIGGER elders_facts_insert AFTER INSERT ON elders
BEGIN
  UPDATE elders SET facts = json_extract(NEW.file, '$.birth_date', '$.categories', '$.capability',
    '$.bedridden', '$.mobility_impaired', '$.dementia', '$.disability_grade', '$.serious_illness',
    '$.low_income', '$.cohabits_with_impaired_elder', '$.cares_for_impaired_child', '$.consent')
  WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER elders_facts_update AFTER UPDATE OF file ON elders
BEGIN
  UPDATE elders SET facts = json_extract(NEW.file, '$.birth_date', '$.categories', '$.capability',
    '$.bedridden', '$.mobility_impaired', '$.dementia', '$.disability_grade', '$.serious_illness',
    '$.low_income', '$.cohabits_with_impaired_elder', '$.cares_for_impaired_child', '$.consent')
  WHERE rowid = NEW.rowid;
END;
