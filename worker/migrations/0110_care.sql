-- The care loop (issue 9): hazards, referrals and providers, emergencies, family duty, smart
-- devices and their alerts, and the notification outbox. Rows keep the domain object as JSON in
-- `data` (tanfang_domain::care) next to the columns the boards filter on. No REFERENCES
-- clauses on purpose (as 0100): the dev seed's `?reset=1` wipes elders/accounts first.

-- 安全隐患 (domain::care::Hazard). id = `{visit_id}:{item}`.
CREATE TABLE hazards (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL,
  item TEXT NOT NULL CHECK (item IN ('gas', 'water_heating', 'electricity', 'fire')),
  state TEXT NOT NULL CHECK (state IN ('open', 'reminded', 'closed')),
  due TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX hazards_elder_state ON hazards(elder_id, state);
CREATE INDEX hazards_state_due ON hazards(state, due);

-- 服务资源目录: service providers per region (elderly-care organisations, social-work
-- stations, family doctors, property companies…).
CREATE TABLE providers (
  id TEXT PRIMARY KEY,
  region_code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  created_by TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX providers_region ON providers(region_code);

-- 需求转介 (domain::care::Referral).
CREATE TABLE referrals (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL,
  category TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'referred', 'accepted', 'done', 'declined')),
  deadline TEXT NOT NULL,
  provider_id TEXT,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX referrals_elder_state ON referrals(elder_id, state);
CREATE INDEX referrals_state_deadline ON referrals(state, deadline);

-- 应急处置 (domain::care::Emergency).
CREATE TABLE emergencies (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
  started_by TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX emergencies_elder_state ON emergencies(elder_id, state);

-- 子女未尽赡养义务 (domain::care::FamilyDuty). id = opening visit id.
CREATE TABLE family_duty (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'reminded', 'resolved')),
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX family_duty_elder_state ON family_duty(elder_id, state);

-- Smart devices bound to one elder each; `secret` is the per-device HMAC key (hex).
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('call_button', 'smoke_detector', 'smart_meter', 'health_monitor')),
  secret TEXT NOT NULL,
  created_by TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX devices_elder ON devices(elder_id);

-- Every (device, message id) accepted once: duplicates and replays change nothing.
CREATE TABLE device_messages (
  device_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  alert_id TEXT NOT NULL,
  PRIMARY KEY (device_id, message_id)
);

-- Alerts raised by devices on the elder's file.
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  event TEXT NOT NULL,
  value REAL,
  urgent INTEGER NOT NULL,
  label TEXT NOT NULL,
  acknowledged_by TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX alerts_elder ON alerts(elder_id, created_at);

-- Notification outbox. channel `app`: shown in the recipient account's app (delivered when
-- written); `sms`: an emergency contact's phone, sent by the configured channel with retries
-- (domain::care::Delivery).
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL CHECK (channel IN ('app', 'sms')),
  recipient TEXT NOT NULL,
  elder_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  read_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX notifications_recipient ON notifications(channel, recipient, created_at);
CREATE INDEX notifications_due ON notifications(state, next_attempt_at);

-- 关爱服务 delivered against the texts' catalogues (domain::care::ServiceDelivery).
CREATE TABLE service_deliveries (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL,
  service_code TEXT NOT NULL,
  delivered_by TEXT NOT NULL,
  date TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  satisfaction TEXT,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX service_deliveries_elder ON service_deliveries(elder_id, date);

-- 政策宣讲: a benefit an elder was told about (domain::care::PolicyAdvice).
CREATE TABLE policy_advice (
  id TEXT PRIMARY KEY,
  elder_id TEXT NOT NULL,
  benefit TEXT NOT NULL,
  outcome TEXT NOT NULL,
  given_by TEXT NOT NULL,
  date TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX policy_advice_elder ON policy_advice(elder_id, date);
