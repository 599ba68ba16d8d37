-- Sign-in by SMS code (issue 17): codes sent to mobile numbers, the per-address request log,
-- and the coordinators' opt-in second factor. Rules: domain::sms_code.

-- One row per code sent to a number (whether or not an account has that number, so the
-- answer to a request never reveals it). Only the code's SHA-256 (salted with the row id) is
-- kept; `used_at` makes it one-use, `wrong_attempts` locks it at 5.
CREATE TABLE sms_codes (
  id TEXT PRIMARY KEY,
  mobile TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  used_at INTEGER,
  wrong_attempts INTEGER NOT NULL DEFAULT 0,
  ip TEXT NOT NULL
);
CREATE INDEX sms_codes_mobile ON sms_codes(mobile, sent_at);
CREATE INDEX sms_codes_ip ON sms_codes(ip, sent_at);

-- Code requests and wrong codes per client address ('req:<ip>', 'fail:<ip>').
CREATE TABLE sms_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX sms_attempts_key_at ON sms_attempts(key, at);

-- Coordinators and admins may require an SMS code after their password.
ALTER TABLE accounts ADD COLUMN sms_second_factor INTEGER NOT NULL DEFAULT 0;
CREATE INDEX accounts_phone ON accounts(phone);

-- Signed-in devices (GET /api/auth/sessions): how the session began, the browser it began in
-- (a short summary, not the full user agent), when it was last used.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER;
-- Who ended a revoked session: 'self' (log-out, sign out another device), 'coordinator'
-- (a lost phone: the phone erases its local files on its next contact), 'disabled'.
ALTER TABLE sessions ADD COLUMN ended_by TEXT;
