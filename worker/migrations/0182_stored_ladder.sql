-- Issue 15: `due_elders.ladder` is stored in the compact form of
-- domain::escalation::stored_ladder (each entry one JSON array of its fields, ~40 % of the named
-- form) — the month's first ladder pass writes and reads it for every elder. Rows written in the
-- named form are marked stale, so every reader's roll-over (the board, the pass, the dev check)
-- rewrites them before reading a ladder.
UPDATE due_elders SET valid_until = '' WHERE ladder <> '[]';
