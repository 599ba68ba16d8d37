-- Groups (issue 7): registration review, pairings (结对) with communities, invite codes.
-- `volunteer_groups` (0001) stays the group's identity row that accounts.group_id refers to;
-- these tables add what registration and pairing need. No REFERENCES clauses on purpose: the
-- dev seed's `?reset=1` wipes volunteer_groups/accounts, and rows here must not block it
-- (orphans are invisible, every query joins volunteer_groups).

-- One row per self-registered group. Seeded groups have none and count as approved.
-- `kind` is the precise kind (volunteer_groups.kind only knows enterprise/school/other).
CREATE TABLE group_profiles (
  group_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'school', 'social_organisation', 'other')),
  credit_code TEXT NOT NULL UNIQUE,
  -- the area it applied to serve: coordinators governing it review the registration
  region_code TEXT NOT NULL,
  contact_name TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  admin_id TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
  decline_reason TEXT,
  decided_by TEXT,
  decided_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX group_profiles_status_region ON group_profiles(status, region_code);

-- Pairings between a group and a community (domain::group::Pairing).
CREATE TABLE group_pairings (
  id TEXT PRIMARY KEY,
  group_id TEXT NOT NULL,
  community_code TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('requested', 'active', 'declined', 'ended')),
  requested_by TEXT NOT NULL CHECK (requested_by IN ('group', 'community')),
  requested_on TEXT NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  ended_by TEXT CHECK (ended_by IN ('group', 'community')),
  decline_reason TEXT,
  created_by TEXT,
  decided_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX group_pairings_group ON group_pairings(group_id);
CREATE INDEX group_pairings_community ON group_pairings(community_code, status);

-- Single-use, expiring invite codes (domain::group::Invite).
CREATE TABLE group_invites (
  code TEXT PRIMARY KEY,
  group_id TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by TEXT
);
CREATE INDEX group_invites_group ON group_invites(group_id);
