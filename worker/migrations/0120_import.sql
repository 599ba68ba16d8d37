-- Roster import (issue 10): each coordinator's remembered column mapping (header → field),
-- saved with every committed import and applied to the next upload with the same headers.
CREATE TABLE import_mappings (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id),
  mapping TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL
);
