// Issue 16: policy versions with an effective date, monthly close (月报), recompute, and
// corrections in a closed month. The month closed here lies three months back, where no other
// test writes visits, and the policy change that is accepted takes effect in 2099, so the
// shared server's other tests see neither.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf, visit, clientId } from './helpers.mjs';

const DISTRICT = '120101000000';
const OTHER_DISTRICT = '120102000000';

/** YYYY-MM, `back` months before the current month in China Standard Time. */
function monthBack(back) {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
  return d.toISOString().slice(0, 7);
}

const MONTH = monthBack(3);
const CURRENT = monthBack(0);
let admin, district, coord, coord2, volunteer;

before(async () => {
  await seed();
  admin = await login('admin');
  district = await login('district');
  coord = await login('coord');
  coord2 = await login('coord2');
  volunteer = await login('volunteer1');
});

/** Two elders of volunteer1 who count in the rate (in scope, not declined). */
async function countedElders() {
  const pull = await request('GET', '/api/sync/pull?cursor=0', { cookie: volunteer.cookie });
  assert.equal(pull.status, 200, pull.text);
  const counted = pull.json.elders.filter((e) => e.consent !== 'declined' && e.tier);
  assert.ok(counted.length >= 2);
  return counted;
}

function post(session, path, body) {
  return request('POST', path, { cookie: session.cookie, body });
}

test('who may close: not a community coordinator, a district coordinator only in their subtree, a month only once it is over', async () => {
  const community = await post(coord, `/api/months/${MONTH}/close`, {});
  assert.equal(community.status, 403, community.text);
  const outside = await post(district, `/api/months/${MONTH}/close`, { region_code: OTHER_DISTRICT });
  assert.equal(outside.status, 403, outside.text);
  const notOver = await post(district, `/api/months/${CURRENT}/close`, {});
  assert.equal(notOver.status, 422, notOver.text);
  assert.equal(errorOf(notOver).field, 'month');
  const badMonth = await post(district, '/api/months/2026-13/close', {});
  assert.equal(badMonth.status, 422);
  assert.equal(errorOf(badMonth).field, 'month');
});

let closed;
test('a district coordinator closes a month: snapshot with policy id@version and digest; recompute matches', async () => {
  const res = await post(district, `/api/months/${MONTH}/close`, {});
  assert.equal(res.status, 200, res.text);
  closed = res.json.snapshot;
  assert.equal(closed.month, MONTH);
  assert.equal(closed.region, DISTRICT);
  assert.equal(closed.policy, 'tianjin@1');
  assert.match(closed.digest, /^[0-9a-f]{64}$/);
  assert.ok(closed.elders >= 200, `all files of the district are inputs: ${closed.elders}`);
  assert.ok(closed.in_scope > 0);
  assert.ok(Object.keys(closed.by_community).length >= 4);
  assert.ok(Object.keys(closed.by_tier).length >= 1);

  const again = await post(district, `/api/months/${MONTH}/close`, {});
  assert.equal(again.status, 409, again.text);
  assert.equal(errorOf(again).code, 'month_closed');

  const recompute = await post(district, `/api/months/${MONTH}/recompute`, {});
  assert.equal(recompute.status, 200, recompute.text);
  assert.equal(recompute.json.recompute.matches, true, JSON.stringify(recompute.json.recompute.differences));
  assert.deepEqual(recompute.json.recompute.differences, []);
  assert.equal(recompute.json.recompute.digest, closed.digest);
  assert.deepEqual(recompute.json.snapshot, closed);

  const list = await request('GET', `/api/months?month=${MONTH}`, { cookie: district.cookie });
  assert.equal(list.status, 200);
  assert.ok(list.json.closes.some((c) => c.region_code === DISTRICT && c.policy === 'tianjin@1'));

  const stats = await request('GET', `/api/stats/monthly?month=${MONTH}`, { cookie: district.cookie });
  assert.equal(stats.status, 200);
  assert.equal(stats.json.closed, true);
  assert.equal(stats.json.policy, 'tianjin@1');
});

test('a policy change in or before a closed month is refused naming effective_from; a later one is kept as a version and the closed month still recomputes', async () => {
  const refused = await post(admin, '/api/policy', { policy: 'jiangmen', effective_from: `${MONTH}-20` });
  assert.equal(refused.status, 422, refused.text);
  const error = errorOf(refused);
  assert.equal(error.field, 'effective_from');
  assert.ok(error.message.includes(MONTH), error.message);

  const byCoordinator = await post(district, '/api/policy', { policy: 'jiangmen', effective_from: '2099-01-01' });
  assert.equal(byCoordinator.status, 403);

  const unknown = await post(admin, '/api/policy', { policy: 'atlantis', effective_from: '2099-01-01' });
  assert.equal(unknown.status, 422);
  assert.equal(errorOf(unknown).field, 'policy');

  // A local profile weaker than its base is refused, naming the profile.
  const policy = await request('GET', '/api/policy', { cookie: admin.cookie });
  assert.equal(policy.status, 200, policy.text);
  assert.equal(policy.json.current.label, 'tianjin@1');
  assert.ok(policy.json.closed_months.includes(MONTH));

  const accepted = await post(admin, '/api/policy', { policy: 'jiangmen', effective_from: '2099-01-01', reason: '市里发文调整' });
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal(accepted.json.current.label, 'tianjin@1', 'today keeps the version in force today');
  const labels = accepted.json.versions.map((v) => `${v.label}@${v.effective_from}`);
  assert.ok(labels.includes('jiangmen@1@2099-01-01'), labels.join(', '));

  const recompute = await request('GET', `/api/months/${MONTH}/recompute`, { cookie: district.cookie });
  assert.equal(recompute.status, 200);
  assert.equal(recompute.json.recompute.matches, true);
  assert.equal(recompute.json.recompute.policy, 'tianjin@1');

  const audit = await request('GET', '/api/audit?action=policy.change', { cookie: admin.cookie });
  assert.equal(audit.status, 200);
  assert.ok(JSON.stringify(audit.json).includes('jiangmen@1'));
});

test('a stricter local profile is accepted, a weaker one refused naming the profile', async () => {
  const tianjin = {
    id: 'tianjin/heping', policy: 'tianjin', version: 1, effective_from: '2099-02-01',
    base: { id: 'tianjin', version: 1 }, name_zh: '和平区加密', document: '和民发〔2099〕1号',
    tiers: [
      { id: 'disabled', name_zh: '失能', name_en: 'disabled', clause: '天津 §二(二)四', when: 'impaired',
        rules: [
          { requirement: { kind: 'visit', mode: 'home', count: 2, per: 'month' } },
          { requirement: { kind: 'community_help', mode: 'any', count: 1, per: 'quarter' } },
        ] },
      { id: 'general', name_zh: '一般', name_en: 'general', clause: '天津 §二(二)四', when: 'always',
        rules: [{ requirement: { kind: 'visit', mode: 'any', count: 1, per: 'month' } }] },
    ],
  };
  const ok = await post(admin, '/api/policy', { profile: tianjin, effective_from: '2099-02-01' });
  assert.equal(ok.status, 200, ok.text);
  assert.ok(ok.json.versions.some((v) => v.label === 'tianjin/heping@1' && v.local));

  const weaker = structuredClone(tianjin);
  weaker.tiers[0].rules = [{ requirement: { kind: 'visit', mode: 'any', count: 1, per: 'month' } }];
  const refused = await post(admin, '/api/policy', { profile: weaker, effective_from: '2099-03-01' });
  assert.equal(refused.status, 422, refused.text);
  assert.equal(errorOf(refused).field, 'profile');
});

test('a late visit in a closed month is recorded, audited and listed as a correction with a reason', async () => {
  const [elder] = await countedElders();
  const late = visit(elder.id, { date: `${MONTH}-15`, mode: 'home' });
  const client = clientId('late');

  const badReason = await post(volunteer, '/api/sync/push', { client_id: client, mutations: [
    { seq: 1, kind: 'visit.create', payload: { ...late, correction_reason: 'x' } },
  ] });
  assert.equal(badReason.status, 422, badReason.text);
  assert.equal(errorOf(badReason).field, 'mutations[0].payload.correction_reason');

  const accepted = await post(volunteer, '/api/sync/push', { client_id: client, mutations: [
    { seq: 1, kind: 'visit.create', payload: { ...late, correction_reason: '手机没电，补录' } },
  ] });
  assert.equal(accepted.status, 200, accepted.text);
  assert.deepEqual(accepted.json.acks.map((a) => a.status), ['applied']);

  const view = await request('POST', `/api/months/${MONTH}/recompute`, { cookie: district.cookie });
  assert.equal(view.status, 200, view.text);
  const correction = view.json.corrections.find((c) => c.visit_id === late.id);
  assert.ok(correction, JSON.stringify(view.json.corrections));
  assert.equal(correction.reason, '手机没电，补录');
  assert.equal(correction.date, `${MONTH}-15`);
  assert.ok(!view.json.held.some((h) => h.visit_id === late.id));
  // The snapshot never changes; the corrected figure counts the visit.
  assert.deepEqual(view.json.snapshot, closed);
  assert.equal(view.json.recompute.matches, true);
  assert.equal(view.json.with_corrections.visited, closed.visited + 1);

  const audit = await request('GET', '/api/audit?action=month.correction', { cookie: admin.cookie });
  assert.ok(JSON.stringify(audit.json).includes(late.id));
});

test('a coordinator records a correction from the console, with a reason only', async () => {
  const [, elder] = await countedElders();
  const noReason = await post(district, `/api/months/${MONTH}/corrections`, { elder_id: elder.id, date: `${MONTH}-10`, mode: 'phone' });
  assert.equal(noReason.status, 422, noReason.text);
  assert.equal(errorOf(noReason).field, 'reason');
  const outside = await post(district, `/api/months/${MONTH}/corrections`, { elder_id: elder.id, date: `${CURRENT}-01`, reason: '补录' });
  assert.equal(outside.status, 422);
  assert.equal(errorOf(outside).field, 'date');
  const ok = await post(district, `/api/months/${MONTH}/corrections`, { elder_id: elder.id, date: `${MONTH}-10`, mode: 'phone', reason: '电话回访漏登' });
  assert.equal(ok.status, 201, ok.text);
  const view = await request('GET', `/api/months/${MONTH}`, { cookie: district.cookie });
  assert.ok(view.json.corrections.some((c) => c.visit_id === ok.json.visit_id && c.reason === '电话回访漏登'));
  assert.deepEqual(view.json.snapshot, closed);
  assert.equal(view.json.with_corrections.visited, closed.visited + 2);
});

test('a phone pushes a closed-month visit without a reason: kept and acknowledged, the outbox moves on, the visit is held awaiting a reason', async () => {
  // An elder counted in the rate with no visit in the closed month, so its correction shows.
  const pull0 = await request('GET', '/api/sync/pull?cursor=0', { cookie: volunteer.cookie });
  const visitedInMonth = new Set(pull0.json.visits.filter((v) => v.date.startsWith(MONTH)).map((v) => v.elder_id));
  const elder = (await countedElders()).slice(2).find((e) => !visitedInMonth.has(e.id));
  assert.ok(elder, 'an unvisited counted elder');
  const before = await request('GET', `/api/months/${MONTH}?region=${DISTRICT}`, { cookie: district.cookie });
  assert.equal(before.status, 200, before.text);
  const held = visit(elder.id, { date: `${MONTH}-20`, mode: 'home' });
  const today = visit(elder.id, { mode: 'phone' });
  const next = visit(elder.id, { mode: 'home' });
  const client = clientId('held');

  const pushed = await post(volunteer, '/api/sync/push', { client_id: client, mutations: [
    { seq: 1, kind: 'visit.create', payload: held },
    { seq: 2, kind: 'visit.create', payload: today },
  ] });
  assert.equal(pushed.status, 200, pushed.text);
  assert.deepEqual(pushed.json.acks.map((a) => a.status), ['applied', 'applied']);
  // The outbox is not stuck: the next push goes through, and a replay is a duplicate.
  const later = await post(volunteer, '/api/sync/push', { client_id: client, mutations: [
    { seq: 2, kind: 'visit.create', payload: today },
    { seq: 3, kind: 'visit.create', payload: next },
  ] });
  assert.equal(later.status, 200, later.text);
  assert.deepEqual(later.json.acks.map((a) => a.status), ['duplicate', 'applied']);

  // Both visits are stored (the volunteer's pull sees them).
  const pull = await request('GET', '/api/sync/pull?cursor=0', { cookie: volunteer.cookie });
  const ids = JSON.stringify(pull.json);
  assert.ok(ids.includes(held.id) && ids.includes(today.id), 'both visits kept');

  // The month lists it awaiting a reason; not a correction, "with corrections" unchanged.
  const view = await request('GET', `/api/months/${MONTH}?region=${DISTRICT}`, { cookie: district.cookie });
  assert.equal(view.status, 200, view.text);
  const waiting = view.json.held.filter((h) => h.visit_id === held.id);
  assert.equal(waiting.length, 1, JSON.stringify(view.json.held));
  assert.equal(waiting[0].date, `${MONTH}-20`);
  assert.equal(waiting[0].elder_id, elder.id);
  assert.ok(waiting[0].entered_by, 'who entered it');
  assert.equal(view.json.held.length, before.json.held.length + 1);
  assert.ok(!view.json.corrections.some((c) => c.visit_id === held.id));
  assert.deepEqual(view.json.with_corrections, before.json.with_corrections);
  assert.deepEqual(view.json.snapshot, closed);
  const heldAudit = await request('GET', '/api/audit?action=month.held', { cookie: admin.cookie });
  assert.ok(JSON.stringify(heldAudit.json).includes(held.id));

  const path = `/api/months/${MONTH}/held/${held.id}/reason`;
  // Only a coordinator governing the elder's community gives the reason, and a real one.
  const byVolunteer = await post(volunteer, path, { reason: '离线跨月，补录' });
  assert.equal(byVolunteer.status, 403, byVolunteer.text);
  const outside = await post(coord2, path, { reason: '离线跨月，补录' });
  assert.equal(outside.status, 404, outside.text);
  const empty = await post(coord, path, { reason: '  ' });
  assert.equal(empty.status, 422, empty.text);
  assert.equal(errorOf(empty).field, 'reason');
  const missing = await post(coord, path, {});
  assert.equal(missing.status, 422, missing.text);
  assert.equal(errorOf(missing).field, 'reason');
  const stillHeld = await request('GET', `/api/months/${MONTH}?region=${DISTRICT}`, { cookie: district.cookie });
  assert.ok(stillHeld.json.held.some((h) => h.visit_id === held.id));

  const given = await post(coord, path, { reason: '志愿者离线跨月，月初才同步' });
  assert.equal(given.status, 200, given.text);
  const again = await post(district, path, { reason: '再补一次原因' });
  assert.equal(again.status, 409, again.text);

  const after = await request('POST', `/api/months/${MONTH}/recompute?region=${DISTRICT}`, { cookie: district.cookie });
  assert.equal(after.status, 200, after.text);
  assert.ok(!after.json.held.some((h) => h.visit_id === held.id), 'leaves the held list');
  const correction = after.json.corrections.find((c) => c.visit_id === held.id);
  assert.ok(correction, JSON.stringify(after.json.corrections));
  assert.equal(correction.reason, '志愿者离线跨月，月初才同步');
  assert.equal(correction.date, `${MONTH}-20`);
  assert.ok(correction.reason_by, 'who gave the reason');
  assert.deepEqual(after.json.snapshot, closed);
  assert.equal(after.json.recompute.matches, true);
  assert.equal(after.json.with_corrections.visited, before.json.with_corrections.visited + 1);
  const audit = await request('GET', '/api/audit?action=month.correction', { cookie: admin.cookie });
  assert.ok(JSON.stringify(audit.json).includes(held.id));
});
