-- Invites as QR codes (issue 17): a community's own invites, next to the groups' invites
-- (group_invites, 0100). Rules: domain::group::Invite (single use, 1–30 days).
--   kind 'volunteer': a coordinator governing the community invites a volunteer into it;
--   kind 'pairing':   a coordinator invites a group (its admin redeems it) to pair (结对) with it.
-- Codes share the alphabet of group invites; a code is looked up in both tables.
CREATE TABLE community_invites (
  code TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('volunteer', 'pairing')),
  community_code TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by TEXT
);
CREATE INDEX community_invites_community ON community_invites(community_code, created_at);
