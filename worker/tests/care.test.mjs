// The care loop (issue 9): hazards opened and closed by pushed visits, referrals and the
// provider directory, emergencies, family duty, the device webhook (HMAC, idempotency,
// binding, replay window) and the SMS outbox with retries — all within the coordinator's scope.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { seed, login, request, errorOf, visit, clientId } from './helpers.mjs';

let volunteer1, volunteer3, coord, coord2, admin;
let mine = []; // volunteer1's responsible elders (新津社区, governed by coord, not coord2)

before(async () => {
  await seed();
  [volunteer1, volunteer3, coord, coord2, admin] = await Promise.all(
    ['volunteer1', 'volunteer3', 'coord', 'coord2', 'admin'].map((l) => login(l)),
  );
  const pull = await request('GET', '/api/sync/pull?cursor=0', { cookie: volunteer1.cookie });
  assert.equal(pull.status, 200, pull.text);
  mine = pull.json.elders.filter((e) => e.my_role === 'responsible').map((e) => e.id).sort();
  assert.ok(mine.length >= 8, `volunteer1 has ${mine.length} elders`);
});

/** Pushes visits (each its own new client) as `session`; asserts they were applied. */
async function pushVisits(session, ...payloads) {
  const res = await request('POST', '/api/sync/push', {
    cookie: session.cookie,
    body: { client_id: clientId('care'), mutations: payloads.map((payload, i) => ({ seq: i + 1, kind: 'visit.create', payload })) },
  });
  assert.equal(res.status, 200, res.text);
  for (const ack of res.json.acks) assert.equal(ack.status, 'applied');
  return res.json;
}

async function board(session) {
  const res = await request('GET', '/api/care/board', { cookie: session.cookie });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function daysAgo(n) {
  return new Date(Date.now() + 8 * 3600 * 1000 - n * 86400 * 1000).toISOString().slice(0, 10);
}

test('an unsafe gas visit opens a hazard on the coordinator board; a later safe home visit closes it', async () => {
  const elderId = mine[5];
  const first = visit(elderId, { gas_safety: 'unsafe', date: daysAgo(1) });
  await pushVisits(volunteer1, first);
  const hazardId = `${first.id}:gas`;
  let mineBoard = await board(coord);
  const hazard = mineBoard.hazards.find((h) => h.id === hazardId);
  assert.ok(hazard, 'hazard on the board');
  assert.equal(hazard.state, 'open');
  assert.equal(hazard.item, 'gas');
  assert.equal(hazard.item_label, '燃气安全');
  assert.equal(hazard.elder_id, elderId);
  assert.equal(hazard.due, daysAgo(1 - 7));
  assert.equal(hazard.overdue, false);
  // Out of coord2's scope.
  assert.ok(!(await board(coord2)).hazards.some((h) => h.id === hazardId));
  // A phone call (safety items at their default 安全) does not close it.
  await pushVisits(volunteer1, visit(elderId, { mode: 'phone' }));
  mineBoard = await board(coord);
  assert.equal(mineBoard.hazards.find((h) => h.id === hazardId).state, 'open');
  // Still unsafe at the next home visit: re-checked, still open, no second hazard.
  await pushVisits(volunteer1, visit(elderId, { gas_safety: 'unsafe' }));
  mineBoard = await board(coord);
  const again = mineBoard.hazards.filter((h) => h.elder_id === elderId && h.item === 'gas' && h.state !== 'closed');
  assert.equal(again.length, 1);
  assert.equal(again[0].checks.length, 1);
  // Safe at the follow-up: closed by that visit.
  const follow = visit(elderId, { gas_safety: 'safe' });
  await pushVisits(volunteer1, follow);
  const closed = (await board(coord)).hazards.find((h) => h.id === hazardId);
  assert.equal(closed.state, 'closed');
  assert.deepEqual(closed.closure, { by: 'visit', visit_id: follow.id, date: follow.date });
});

test('较安全 twice running opens a hazard; a coordinator closes it only with a note', async () => {
  const elderId = mine[6];
  // Both today: the previous visit is the latest stored one (by date, then arrival).
  const a = visit(elderId, { fire_safety: 'fairly_safe' });
  const b = visit(elderId, { fire_safety: 'fairly_safe' });
  await pushVisits(volunteer1, a);
  assert.ok(!(await board(coord)).hazards.some((h) => h.elder_id === elderId && h.item === 'fire'));
  await pushVisits(volunteer1, b);
  const hazard = (await board(coord)).hazards.find((h) => h.id === `${b.id}:fire`);
  assert.ok(hazard);
  assert.equal(hazard.repeated, true);
  const path = `/api/care/hazards/${encodeURIComponent(hazard.id)}`;
  // Reminder: needs whom; then recorded.
  let res = await request('POST', `${path}/remind`, { cookie: coord.cookie, body: { note: 'x' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'to');
  res = await request('POST', `${path}/remind`, { cookie: coord.cookie, body: { to: 'supporter', note: '已电话提醒儿子更换插线板' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.state, 'reminded');
  // Not coord2's (404), not a volunteer's (403).
  res = await request('POST', `${path}/close`, { cookie: coord2.cookie, body: { note: '已整改' } });
  assert.equal(res.status, 404);
  res = await request('POST', `${path}/close`, { cookie: volunteer1.cookie, body: { note: '已整改' } });
  assert.equal(res.status, 403);
  res = await request('POST', `${path}/close`, { cookie: coord.cookie, body: { note: '  ' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'note');
  res = await request('POST', `${path}/close`, { cookie: coord.cookie, body: { note: '社区已协助更换插线板' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.state, 'closed');
  assert.equal(res.json.closure.by, 'coordinator');
  res = await request('POST', `${path}/close`, { cookie: coord.cookie, body: { note: '再次关闭' } });
  assert.equal(res.status, 409);
  assert.equal(errorOf(res).code, 'illegal_transition');
});

test('the phone sees the hazards of the care table: open after the visit, gone on its next pull once a coordinator closes it', async () => {
  const elderId = mine[mine.length - 1];
  const start = await request('GET', '/api/sync/pull?cursor=0', { cookie: volunteer1.cookie });
  const found = visit(elderId, { electricity_safety: 'unsafe' });
  await pushVisits(volunteer1, found);
  let pull = await request('GET', `/api/sync/pull?cursor=${start.json.cursor}`, { cookie: volunteer1.cookie });
  let elder = pull.json.elders.find((e) => e.id === elderId);
  assert.ok(elder, 'the visited elder is re-sent');
  assert.equal(elder.open_hazards.length, 1, JSON.stringify(elder.open_hazards));
  assert.match(elder.open_hazards[0], /用电安全/);
  const cursor = pull.json.cursor;
  const res = await request('POST', `/api/care/hazards/${encodeURIComponent(`${found.id}:electricity`)}/close`, {
    cookie: coord.cookie, body: { note: '社区电工已更换老化电线' },
  });
  assert.equal(res.status, 200, res.text);
  pull = await request('GET', `/api/sync/pull?cursor=${cursor}`, { cookie: volunteer1.cookie });
  elder = pull.json.elders.find((e) => e.id === elderId);
  assert.ok(elder, 'closing moves the elder to a new cursor, so the phone hears of it');
  assert.deepEqual(elder.open_hazards, []);
});

test('a need becomes a referral: provider directory, refer → accept → done, overdue shown, scope', async () => {
  const elderId = mine[7];
  const v = visit(elderId, { date: daysAgo(10), needs: [{ category: 'home_adaptation', text: '卫生间加装扶手' }] });
  await pushVisits(volunteer1, v);
  let referral = (await board(coord)).referrals.find((r) => r.id === `${v.id}:need0`);
  assert.ok(referral, 'referral opened from the need');
  assert.equal(referral.state, 'open');
  assert.equal(referral.category_label, '居家适老化改造');
  assert.equal(referral.overdue, true, 'open 10 days with a 7-day deadline');
  // The same need again does not open a second referral.
  await pushVisits(volunteer1, visit(elderId, { needs: [{ category: 'home_adaptation', text: '扶手' }] }));
  assert.equal((await board(coord)).referrals.filter((r) => r.elder_id === elderId && r.category === 'home_adaptation').length, 1);

  // Provider directory: coord registers one in 新津; coord2 does not see it.
  const region = '120101001001'; // 新津社区, coord's region in the demo data
  let res = await request('POST', '/api/care/providers', { cookie: coord.cookie, body: { name: '新津养老服务中心', kind: 'bogus', region_code: region } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'kind');
  res = await request('POST', '/api/care/providers', { cookie: coord.cookie, body: { name: '新津养老服务中心', kind: 'elderly_care', region_code: '120101002001' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'region_code');
  res = await request('POST', '/api/care/providers', { cookie: coord.cookie, body: { name: '新津养老服务中心', kind: 'elderly_care', region_code: region, phone: '022-1' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'phone');
  res = await request('POST', '/api/care/providers', { cookie: coord.cookie, body: { name: '新津养老服务中心', kind: 'elderly_care', region_code: region, phone: '13800138000' } });
  assert.equal(res.status, 201, res.text);
  const provider = res.json;
  const listed = await request('GET', '/api/care/providers', { cookie: coord.cookie });
  assert.ok(listed.json.providers.some((p) => p.id === provider.id && p.kind_label === '养老服务机构'));
  const other = await request('GET', '/api/care/providers', { cookie: coord2.cookie });
  assert.ok(!other.json.providers.some((p) => p.id === provider.id));

  const path = `/api/care/referrals/${encodeURIComponent(referral.id)}`;
  res = await request('POST', `${path}/accept`, { cookie: coord.cookie, body: {} });
  assert.equal(res.status, 409, 'cannot accept before referring');
  res = await request('POST', `${path}/refer`, { cookie: coord.cookie, body: { provider_id: provider.id } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'deadline');
  res = await request('POST', `${path}/refer`, { cookie: coord.cookie, body: { provider_id: 'prv-nope', deadline: daysAgo(-14) } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'provider_id');
  res = await request('POST', `${path}/refer`, { cookie: coord2.cookie, body: { provider_id: provider.id, deadline: daysAgo(-14) } });
  assert.equal(res.status, 404, 'coord2 cannot act on coord\'s elder');
  res = await request('POST', `${path}/refer`, { cookie: coord.cookie, body: { provider_id: provider.id, deadline: daysAgo(-14) } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.state, 'referred');
  referral = (await board(coord)).referrals.find((r) => r.id === referral.id);
  assert.equal(referral.overdue, false, 'new deadline in two weeks');
  res = await request('POST', `${path}/accept`, { cookie: coord.cookie, body: {} });
  assert.equal(res.json.state, 'accepted');
  res = await request('POST', `${path}/complete`, { cookie: coord.cookie, body: { note: '' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'note');
  res = await request('POST', `${path}/complete`, { cookie: coord.cookie, body: { note: '扶手已安装' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.state, 'done');
  res = await request('POST', `${path}/decline`, { cookie: coord.cookie, body: { reason: '迟到的拒绝' } });
  assert.equal(res.status, 409);
  // A coordinator can open one by hand too; bad category → 422 naming it.
  res = await request('POST', '/api/care/referrals', { cookie: coord.cookie, body: { elder_id: elderId, category: 'nonsense' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'category');
  res = await request('POST', '/api/care/referrals', { cookie: coord.cookie, body: { elder_id: elderId, category: 'emotional_comfort', text: '独居，需陪聊' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.state, 'open');
});

test('an emergency: call order, each attempt logged, closing record required, coordinator notified', async () => {
  const elderId = mine[4];
  let res = await request('POST', '/api/care/emergencies', { cookie: volunteer3.cookie, body: { elder_id: elderId } });
  assert.equal(res.status, 404, 'not assigned to volunteer3');
  const id = `em-${randomUUID()}`;
  res = await request('POST', '/api/care/emergencies', { cookie: volunteer1.cookie, body: { elder_id: elderId, id } });
  assert.equal(res.status, 201, res.text);
  const emergency = res.json;
  assert.deepEqual(emergency.call_order.slice(0, 3).map((c) => c.number), ['120', '110', '119']);
  assert.ok(emergency.call_order.length > 3, 'then the emergency contacts');
  assert.ok(/^子女：|^近亲属：|^社区/.test(emergency.call_order[3].label));
  // Retrying the start returns the same emergency.
  res = await request('POST', '/api/care/emergencies', { cookie: volunteer1.cookie, body: { elder_id: elderId, id } });
  assert.equal(res.status, 200);
  assert.equal(res.json.id, id);
  // The coordinator is told at once.
  const notes = await request('GET', '/api/care/notifications', { cookie: coord.cookie });
  assert.ok(notes.json.notifications.some((n) => n.elder_id === elderId && n.subject.startsWith('应急处置')));
  assert.ok((await board(coord)).emergencies.some((e) => e.id === id && e.state === 'open'));
  const path = `/api/care/emergencies/${id}`;
  res = await request('POST', `${path}/calls`, { cookie: volunteer1.cookie, body: { number: '120', label: '120 急救', outcome: 'maybe' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'outcome');
  res = await request('POST', `${path}/calls`, { cookie: volunteer1.cookie, body: { number: '120', label: '120 急救', outcome: 'connected' } });
  assert.equal(res.status, 200, res.text);
  const contact = emergency.call_order[3];
  res = await request('POST', `${path}/calls`, { cookie: volunteer1.cookie, body: { number: contact.number, label: contact.label, outcome: 'no_answer' } });
  assert.equal(res.json.calls.length, 2);
  assert.deepEqual(res.json.calls.map((c) => c.outcome), ['connected', 'no_answer']);
  // Closing needs both parts of the record.
  res = await request('POST', `${path}/close`, { cookie: volunteer1.cookie, body: { what_happened: '', actions_taken: '送医' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'record.what_happened');
  res = await request('POST', `${path}/close`, { cookie: volunteer1.cookie, body: { what_happened: '老人在家摔倒', actions_taken: ' ' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'record.actions_taken');
  res = await request('GET', path, { cookie: coord2.cookie });
  assert.equal(res.status, 404, 'coord2 cannot read it');
  res = await request('POST', `${path}/close`, { cookie: volunteer1.cookie, body: { what_happened: '老人在家摔倒', actions_taken: '拨打120送医，儿子未接通，已联系社区' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.state, 'closed');
  res = await request('POST', `${path}/calls`, { cookie: volunteer1.cookie, body: { number: '110', label: '110', outcome: 'connected' } });
  assert.equal(res.status, 409);
  res = await request('GET', path, { cookie: coord.cookie });
  assert.equal(res.json.record.what_happened, '老人在家摔倒');
});

test('family duty: a visit flags it, the coordinator records reminders and resolves it', async () => {
  const elderId = mine[3];
  const v = visit(elderId, { family_duty_concern: true });
  await pushVisits(volunteer1, v);
  const duty = (await board(coord)).family_duty.find((d) => d.id === v.id);
  assert.ok(duty, 'flag on the board');
  const path = `/api/care/family-duty/${v.id}`;
  let res = await request('POST', `${path}/remind`, { cookie: coord.cookie, body: { method: 'phone', note: '' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'note');
  res = await request('POST', `${path}/remind`, { cookie: coord.cookie, body: { method: 'phone', note: '电话提醒儿子每周探望' } });
  assert.equal(res.json.state, 'reminded');
  res = await request('POST', `${path}/resolve`, { cookie: coord2.cookie, body: { note: '已履行' } });
  assert.equal(res.status, 404);
  res = await request('POST', `${path}/resolve`, { cookie: coord.cookie, body: { note: '儿子已每周回家' } });
  assert.equal(res.json.state, 'resolved');
});

test('care services against the catalogues and policy advice are recorded with who, when, how long', async () => {
  const elderId = mine[0];
  let res = await request('GET', '/api/care/catalogue', { cookie: volunteer1.cookie });
  assert.equal(res.status, 200);
  const count = (source) => res.json.entries.filter((e) => e.source === source).length;
  assert.deepEqual([count('pingli'), count('tianjin'), count('jining')], [16, 4, 8]);
  res = await request('POST', '/api/care/services', { cookie: volunteer1.cookie, body: { elder_id: elderId, service_code: 'pingli-99', duration_minutes: 30 } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'service_code');
  res = await request('POST', '/api/care/services', { cookie: volunteer1.cookie, body: { elder_id: elderId, service_code: 'pingli-07', duration_minutes: 0 } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'duration_minutes');
  res = await request('POST', '/api/care/services', { cookie: volunteer1.cookie, body: { elder_id: elderId, service_code: 'pingli-07', duration_minutes: 20, satisfaction: 'meh' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'satisfaction');
  res = await request('POST', '/api/care/services', { cookie: volunteer3.cookie, body: { elder_id: elderId, service_code: 'pingli-07', duration_minutes: 20 } });
  assert.equal(res.status, 404, 'not volunteer3\'s elder');
  res = await request('POST', '/api/care/services', { cookie: volunteer1.cookie, body: { elder_id: elderId, service_code: 'pingli-07', duration_minutes: 20, satisfaction: 'very_satisfied', note: '血压 135/85' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.by, volunteer1.user.id);
  const list = await request('GET', `/api/care/services?elder_id=${elderId}`, { cookie: coord.cookie });
  const entry = list.json.services.find((s) => s.id === res.json.id);
  assert.equal(entry.service_name, '常规检查');
  assert.equal(entry.duration_minutes, 20);
  assert.equal(entry.satisfaction, 'very_satisfied');
  res = await request('POST', '/api/care/advice', { cookie: volunteer1.cookie, body: { elder_id: elderId, benefit: 'other', outcome: 'informed' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'detail');
  res = await request('POST', '/api/care/advice', { cookie: volunteer1.cookie, body: { elder_id: elderId, benefit: 'old_age_allowance', outcome: 'helped_apply', date: '2999-01-01' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'date');
  res = await request('POST', '/api/care/advice', { cookie: volunteer1.cookie, body: { elder_id: elderId, benefit: 'old_age_allowance', outcome: 'helped_apply' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.benefit_label, '高龄津贴');
});

test('the elder file lists services with who delivered them, and past policy advice, in scope', async () => {
  const elderId = mine[2];
  let res = await request('POST', '/api/care/services', { cookie: coord.cookie, body: { elder_id: elderId, service_code: 'jining-5', duration_minutes: 45, satisfaction: 'satisfied', date: daysAgo(2) } });
  assert.equal(res.status, 201, res.text);
  const serviceId = res.json.id;
  res = await request('GET', `/api/care/services?elder_id=${elderId}`, { cookie: coord.cookie });
  assert.equal(res.status, 200, res.text);
  const service = res.json.services.find((s) => s.id === serviceId);
  assert.equal(service.service_name, '精神慰藉服务');
  assert.equal(service.by, coord.user.id);
  assert.equal(service.by_name, coord.user.name);
  assert.equal(service.date, daysAgo(2));
  res = await request('GET', `/api/care/services?elder_id=${elderId}`, { cookie: coord2.cookie });
  assert.equal(res.status, 404, 'outside coord2\'s region');

  res = await request('POST', '/api/care/advice', { cookie: coord.cookie, body: { elder_id: elderId, benefit: 'nursing_subsidy', outcome: 'informed', detail: '可申请护理补贴' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.outcome_label, '已告知');
  const adviceId = res.json.id;
  res = await request('GET', `/api/care/advice?elder_id=${elderId}`, { cookie: volunteer1.cookie });
  assert.equal(res.status, 200, res.text);
  const given = res.json.advice.find((a) => a.id === adviceId);
  assert.equal(given.benefit, 'nursing_subsidy');
  assert.equal(given.benefit_label, '护理补贴');
  assert.equal(given.outcome_label, '已告知');
  assert.equal(given.detail, '可申请护理补贴');
  assert.equal(given.by_name, coord.user.name);
  res = await request('GET', `/api/care/advice?elder_id=${elderId}`, { cookie: volunteer3.cookie });
  assert.equal(res.status, 404, 'not volunteer3\'s elder');
  res = await request('GET', `/api/care/advice?elder_id=${elderId}`, { cookie: coord2.cookie });
  assert.equal(res.status, 404);
  res = await request('GET', '/api/care/advice', { cookie: coord.cookie });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'elder_id');
});

// ---------------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------------

function sign(secret, body) {
  return createHmac('sha256', Buffer.from(secret, 'hex')).update(body).digest('hex');
}

function webhook(device, message, { secret = device.secret, signature } = {}) {
  const body = JSON.stringify(message);
  return request('POST', '/api/care/devices/webhook', {
    rawBody: body,
    headers: { 'x-device-id': device.id, 'x-signature': signature ?? `sha256=${sign(secret, body)}` },
  });
}

async function registerDevice(elderId, kind = 'call_button') {
  const res = await request('POST', '/api/care/devices', { cookie: coord.cookie, body: { elder_id: elderId, kind } });
  assert.equal(res.status, 201, res.text);
  assert.match(res.json.secret, /^[0-9a-f]{64}$/);
  return res.json;
}

test('device registration is the coordinator\'s, in scope', async () => {
  let res = await request('POST', '/api/care/devices', { cookie: volunteer1.cookie, body: { elder_id: mine[0], kind: 'call_button' } });
  assert.equal(res.status, 403);
  res = await request('POST', '/api/care/devices', { cookie: coord2.cookie, body: { elder_id: mine[0], kind: 'call_button' } });
  assert.equal(res.status, 404);
  res = await request('POST', '/api/care/devices', { cookie: coord.cookie, body: { elder_id: mine[0], kind: 'toaster' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'kind');
});

test('an elder\'s devices are listed for the coordinator of the region, without their secrets', async () => {
  const elderId = mine[4];
  const device = await registerDevice(elderId, 'health_monitor');
  let res = await request('GET', `/api/care/devices?elder_id=${elderId}`, { cookie: coord.cookie });
  assert.equal(res.status, 200, res.text);
  const listed = res.json.devices.find((d) => d.id === device.id);
  assert.ok(listed, 'the new device is listed');
  assert.equal(listed.kind, 'health_monitor');
  assert.equal(listed.kind_label, '健康监测');
  assert.equal(listed.created_by_name, coord.user.name);
  assert.equal(listed.last_message_at, null);
  assert.ok(!res.text.includes(device.secret), 'the secret is shown once, at registration only');
  assert.ok(res.json.devices.every((d) => !('secret' in d)));
  res = await request('GET', `/api/care/devices?elder_id=${elderId}`, { cookie: coord2.cookie });
  assert.equal(res.status, 404, 'outside coord2\'s region');
  res = await request('GET', `/api/care/devices?elder_id=${elderId}`, { cookie: volunteer1.cookie });
  assert.equal(res.status, 403, 'a volunteer does not manage devices');
});

test('webhook: signed message raises one alert; duplicates, bad signatures, other elders and replays are refused', async () => {
  const elderId = mine[1];
  const device = await registerDevice(elderId);
  const message = { device_id: device.id, message_id: `m-${randomUUID()}`, elder_id: elderId, event: 'pressed', sent_at_ms: Date.now() };
  let res = await webhook(device, message);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.status, 'raised');
  assert.equal(res.json.urgent, true);
  const alertId = res.json.alert_id;
  // The same message again (a retry or a replay): acknowledged, nothing new.
  res = await webhook(device, message);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { status: 'duplicate', alert_id: alertId });
  const alerts = (await board(coord)).alerts.filter((a) => a.elder_id === elderId && a.id === alertId);
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0].label, '呼叫器报警：pressed');
  assert.ok(!(await board(coord2)).alerts.some((a) => a.id === alertId));
  // Notified: the responsible volunteer and the coordinator in the app, the contacts by SMS.
  const v1notes = await request('GET', '/api/care/notifications', { cookie: volunteer1.cookie });
  assert.ok(v1notes.json.notifications.some((n) => n.elder_id === elderId && n.subject.startsWith('紧急报警')));
  const outbox = await request('GET', `/api/care/outbox?elder_id=${elderId}`, { cookie: coord.cookie });
  assert.ok(outbox.json.outbox.length >= 1);
  assert.ok(outbox.json.outbox.every((n) => n.state === 'pending' || n.state === 'sent'));

  // Wrong secret, tampered body, missing signature, unknown device → 401.
  const fresh = { ...message, message_id: `m-${randomUUID()}` };
  res = await webhook(device, fresh, { secret: 'ab'.repeat(32) });
  assert.equal(res.status, 401);
  res = await request('POST', '/api/care/devices/webhook', {
    rawBody: JSON.stringify({ ...fresh, event: 'smoke' }),
    headers: { 'x-device-id': device.id, 'x-signature': sign(device.secret, JSON.stringify(fresh)) },
  });
  assert.equal(res.status, 401, 'body changed after signing');
  res = await webhook(device, fresh, { signature: '' });
  assert.equal(res.status, 401);
  res = await webhook({ ...device, id: 'no-such-device' }, { ...fresh, device_id: 'no-such-device' });
  assert.equal(res.status, 401);
  // Bound to elderId only.
  res = await webhook(device, { ...fresh, elder_id: mine[2] });
  assert.equal(res.status, 403);
  // Replays outside ±5 minutes.
  res = await webhook(device, { ...fresh, sent_at_ms: Date.now() - 10 * 60 * 1000 });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'sent_at_ms');
  // Signed but malformed → 422 naming the field.
  res = await webhook(device, { ...fresh, sent_at_ms: 'soon' });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'sent_at_ms');
  res = await webhook(device, { ...fresh, message_id: '' });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'message_id');
  // Another device's message id does not collide; the refused ones above left nothing behind.
  res = await webhook(device, fresh);
  assert.equal(res.status, 201, res.text);
  const other = await registerDevice(elderId, 'smoke_detector');
  res = await webhook(other, { ...message, device_id: other.id, event: 'smoke' });
  assert.equal(res.status, 201, 'same message id, other device');
});

test('outbox: failed SMS attempts are retried with back-off, then marked failed; a later run sends', async () => {
  const elderId = mine[2];
  const device = await registerDevice(elderId, 'smart_meter');
  const res = await webhook(device, { device_id: device.id, message_id: `m-${randomUUID()}`, elder_id: elderId, event: 'no_water_24h', value: 0, sent_at_ms: Date.now() });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.urgent, false);
  const rows = async () => (await request('GET', `/api/care/outbox?elder_id=${elderId}`, { cookie: coord.cookie })).json.outbox;
  const pending = (await rows()).filter((n) => n.state === 'pending');
  assert.ok(pending.length >= 1, 'SMS to the emergency contacts queued');
  const ids = new Set(pending.map((n) => n.id));
  // Only the admin (or the scheduled job) delivers.
  let run = await request('POST', '/api/care/outbox/deliver', { cookie: coord.cookie });
  assert.equal(run.status, 403);
  // Five failing attempts, each at the time the previous one scheduled.
  let at = Date.now() + 1000;
  for (let attempt = 1; attempt <= 5; attempt++) {
    run = await request('POST', `/api/care/outbox/deliver?fail=1&at=${at}`, { cookie: admin.cookie });
    assert.equal(run.status, 200, run.text);
    const mineNow = (await rows()).filter((n) => ids.has(n.id));
    for (const n of mineNow) {
      assert.equal(n.attempts, attempt, `attempt ${attempt}`);
      assert.equal(n.last_error, 'failing: injected failure');
      assert.equal(n.state, attempt < 5 ? 'pending' : 'failed');
    }
    // Not due again before the back-off has passed.
    const early = await request('POST', `/api/care/outbox/deliver?fail=1&at=${at + 1}`, { cookie: admin.cookie });
    assert.equal(early.status, 200);
    assert.ok((await rows()).filter((n) => ids.has(n.id)).every((n) => n.attempts === attempt), 'back-off respected');
    at = Math.max(...mineNow.map((n) => n.next_attempt_at)) + 1;
  }
  // A new alert's messages go out through the log channel at once.
  const second = await webhook(device, { device_id: device.id, message_id: `m-${randomUUID()}`, elder_id: elderId, event: 'no_power_24h', sent_at_ms: Date.now() });
  assert.equal(second.status, 201);
  run = await request('POST', '/api/care/outbox/deliver', { cookie: admin.cookie });
  assert.equal(run.status, 200, run.text);
  assert.ok(run.json.sent >= 1, run.text);
  const after = await rows();
  assert.ok(after.some((n) => !ids.has(n.id) && n.state === 'sent' && n.attempts === 1));
  assert.ok(after.filter((n) => ids.has(n.id)).every((n) => n.state === 'failed'), 'failed ones stay failed');
  // `at` in the past is refused, naming it.
  run = await request('POST', '/api/care/outbox/deliver?at=1', { cookie: admin.cookie });
  assert.equal(run.status, 422);
  assert.equal(errorOf(run).field, 'at');
});

test('the cron trigger sends due SMS messages without anyone pressing a button', async () => {
  const elderId = mine[3];
  const device = await registerDevice(elderId, 'call_button');
  const res = await webhook(device, { device_id: device.id, message_id: `m-${randomUUID()}`, elder_id: elderId, event: 'pressed', sent_at_ms: Date.now() });
  assert.equal(res.status, 201, res.text);
  const rows = async () => (await request('GET', `/api/care/outbox?elder_id=${elderId}`, { cookie: coord.cookie })).json.outbox;
  const queued = (await rows()).filter((n) => n.state === 'pending');
  assert.ok(queued.length >= 1, 'SMS to the emergency contacts queued');
  // `wrangler dev --test-scheduled` runs the worker's `scheduled` handler (the cron of
  // wrangler.toml [triggers]) on this path.
  const run = await request('GET', '/__scheduled?cron=*+*+*+*+*');
  assert.equal(run.status, 200, run.text);
  const after = await rows();
  for (const n of queued) {
    const now = after.find((m) => m.id === n.id);
    assert.equal(now.state, 'sent', `message ${n.id} sent by the cron run`);
    assert.equal(now.attempts, 1);
  }
});

test('care endpoints need a session and the right role', async () => {
  let res = await request('GET', '/api/care/board');
  assert.equal(res.status, 401);
  res = await request('GET', '/api/care/board', { cookie: volunteer1.cookie });
  assert.equal(res.status, 403);
  res = await request('PUT', '/api/care/board', { cookie: coord.cookie });
  assert.equal(res.status, 405);
  res = await request('POST', '/api/care/hazards/nope/close', { cookie: coord.cookie, body: { note: 'x' } });
  assert.equal(res.status, 404);
});
