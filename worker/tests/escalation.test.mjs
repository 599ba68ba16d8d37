// The escalation ladder's daily pass (issue 15): POST /api/dev/ladder runs the pass as of a
// given day (the scheduled trigger runs the same once a day per community). Each test makes its
// own elders in 新津 and limits the pass to them, so other files' data is not touched.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf, clientId } from './helpers.mjs';

const XINJIN = '120101001001';
const RUN = Date.now() % 100000;
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
let made = 0;

// The month after this one (China time): every date of it is after the server's today, so its
// period is current for the phones' pulls while the pass runs as of any day in it.
const now = new Date(Date.now() + 8 * 3600 * 1000);
const Y = now.getUTCMonth() === 11 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
const M = (now.getUTCMonth() + 1) % 12; // 0-based month index of next month
const day = (d) => new Date(Date.UTC(Y, M, d)).toISOString().slice(0, 10);
const LAST = new Date(Date.UTC(Y, M + 1, 0)).getUTCDate();
const MONTH_START = day(1);
const MONTH_END = day(LAST);
const NEXT_MONTH_START = new Date(Date.UTC(Y, M + 1, 1)).toISOString().slice(0, 10);

let district, coord, coord2, volunteer5, volunteer6, volunteer3;
const mine = [];

// The other files count the seed volunteers' elders: give this file's elders back.
after(async () => {
  if (!mine.length) return;
  const res = await request('POST', '/api/assignments', {
    cookie: district,
    body: { elder_ids: mine, responsible_id: null, backup_id: null },
  });
  assert.equal(res.status, 200, res.text);
});

async function sessions() {
  if (district) return;
  await seed();
  district = (await login('district')).cookie; // 和平区: governs 新津 and 蓝天
  coord = (await login('coord')).cookie; // 新津
  coord2 = (await login('coord2')).cookie; // 蓝天
  volunteer5 = (await login('volunteer5')).cookie; // 新津
  volunteer6 = (await login('volunteer6')).cookie; // 新津
  volunteer3 = (await login('volunteer3')).cookie; // 蓝天
}

/** A new elder in 新津, volunteer5 responsible and volunteer6 backup. `impaired`: 失能 (天津:
 * a home visit every month); otherwise any visit every month. */
async function newElder({ impaired = false } = {}) {
  made += 1;
  const name = `梯${[...`${String(RUN).padStart(5, '0')}${made}`].map((d) => DIGITS[Number(d)]).join('')}`;
  const created = await request('POST', '/api/elders?confirm_duplicate=1', {
    cookie: district,
    body: {
      name, sex: 'female', birth_date: '1940-02-03',
      address: { region_code: XINJIN, city: '天津市', district: '和平区', street: '劝业场街道', community: '新津社区', detail: '阶梯路1号' },
      phone: '13800138002',
      emergency_contacts: [{ kind: 'child', name: '阶梯子女', relation: '女儿', phone: '13900139002' }],
      categories: ['living_alone'], capability: impaired ? 'severe' : 'intact', consent: 'accepted',
    },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  mine.push(id);
  const assign = await request('POST', '/api/assignments', {
    cookie: district,
    body: { elder_ids: [id], responsible_id: 'acc-volunteer5', backup_id: 'acc-volunteer6' },
  });
  assert.equal(assign.status, 200, assign.text);
  return { id, name };
}

async function ladder(today, elderIds) {
  const res = await request('POST', '/api/dev/ladder', { body: { today, elder_ids: elderIds } });
  assert.equal(res.status, 200, res.text);
  return res.json.outcome;
}

async function pushVisit(cookie, elderId, date, mode) {
  const res = await request('POST', '/api/sync/push', {
    cookie,
    body: { client_id: clientId('esc'), mutations: [{ seq: 1, kind: 'visit.create', payload: {
      id: `esc-${RUN}-${Math.random().toString(36).slice(2, 10)}`, elder_id: elderId, date, mode,
    } }] },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.acks[0].status, 'applied', res.text);
}

async function atRisk(cookie, query = '') {
  const res = await request('GET', `/api/escalations${query}`, { cookie });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function notices(cookie, elderId) {
  const res = await request('GET', '/api/care/notifications', { cookie });
  assert.equal(res.status, 200, res.text);
  return res.json.notifications.filter((n) => n.elder_id === elderId);
}

async function pulled(cookie, elderId) {
  const res = await request('GET', '/api/sync/pull?cursor=0', { cookie });
  assert.equal(res.status, 200, res.text);
  return res.json.elders.find((e) => e.id === elderId);
}

// The steps of an elder's requirements in next month's period (a pass may also find the month
// before it missed: the elders are new and unvisited).
const stepsOf = (list, elderId) =>
  list.items.filter((i) => i.elder_id === elderId && i.period_start === MONTH_START).map((i) => i.step);

test('the pass is idempotent: run twice on a day, the second writes nothing', async () => {
  await sessions();
  const { id } = await newElder();
  const first = await ladder(MONTH_END, [id]);
  assert.ok(first.steps >= 3, `steps reached by the month's last day: ${JSON.stringify(first)}`);
  assert.ok(first.notices >= 3, JSON.stringify(first));
  const before = await atRisk(district);
  const second = await ladder(MONTH_END, [id]);
  assert.deepEqual(second, { ...second, steps: 0, cleared: 0, notices: 0, sms: 0 });
  assert.deepEqual(await atRisk(district), before);
  assert.equal((await notices(volunteer5, id)).length, 1, 'one reminder, not two');
  // An earlier day after a later one adds nothing either (the steps are already there).
  assert.equal((await ladder(day(20), [id])).steps, 0);
});

test('a visit pushed before the threshold keeps the ladder from starting', async () => {
  await sessions();
  const visited = await newElder();
  const unvisited = await newElder();
  await pushVisit(volunteer5, visited.id, MONTH_START, 'home');
  const outcome = await ladder(MONTH_END, [visited.id, unvisited.id]);
  assert.ok(outcome.steps > 0);
  const list = await atRisk(coord);
  assert.deepEqual(stepsOf(list, visited.id), []);
  assert.deepEqual(stepsOf(list, unvisited.id), ['community_staff']);
  assert.deepEqual(await notices(volunteer5, visited.id), []);
  assert.equal((await pulled(volunteer5, visited.id)).escalation, undefined);
  // A visit after the steps clears them: off the at-risk list and off the phones.
  await pushVisit(volunteer5, unvisited.id, day(LAST - 1), 'home');
  const later = await ladder(MONTH_END, [unvisited.id]);
  assert.equal(later.cleared, 1, JSON.stringify(later));
  assert.deepEqual(stepsOf(await atRisk(coord), unvisited.id), []);
  assert.equal((await pulled(volunteer6, unvisited.id)).escalation, undefined);
});

test('a phone call does not stop the ladder of a home-visit requirement', async () => {
  await sessions();
  const { id } = await newElder({ impaired: true });
  await pushVisit(volunteer5, id, MONTH_START, 'phone');
  await ladder(MONTH_END, [id]);
  const items = (await atRisk(coord)).items.filter((i) => i.elder_id === id && i.period_start === MONTH_START);
  const home = items.find((i) => i.requirement.startsWith('visit.home.'));
  assert.ok(home, JSON.stringify(items));
  assert.equal(home.step, 'community_staff');
  assert.equal(home.non_qualifying_visits, 1);
});

test('each step reaches its person: reminder, hand-over, community staff', async () => {
  await sessions();
  const { id, name } = await newElder();
  await ladder(MONTH_END, [id]);
  const reminder = await notices(volunteer5, id);
  assert.equal(reminder.length, 1);
  assert.match(reminder[0].subject, /^探访提醒/);
  assert.ok(reminder[0].body.includes(name));
  const handOver = await notices(volunteer6, id);
  assert.equal(handOver.length, 1);
  assert.match(handOver[0].subject, /^交接/);
  const staff = await notices(coord, id);
  assert.equal(staff.length, 1);
  assert.match(staff[0].subject, /^转社区/);
  assert.match(staff[0].body, /最近原因：无记录/);
  assert.deepEqual(await notices(coord2, id), [], '蓝天 coordinator is not told of a 新津 elder');
  // Each step once, in order, on the day it was reached.
  const item = (await atRisk(coord)).items.find((i) => i.elder_id === id && i.period_start === MONTH_START);
  const { reminded, handed_to_backup: handed, community_staff: staffDay } = item.steps;
  assert.ok(MONTH_START < reminded && reminded <= handed && handed <= staffDay && staffDay <= MONTH_END, JSON.stringify(item.steps));
  // The phones: the responsible visitor and the backup see the step with the elder.
  const responsible = await pulled(volunteer5, id);
  assert.equal(responsible.my_role, 'responsible');
  assert.equal(responsible.escalation, 'community_staff');
  const backup = await pulled(volunteer6, id);
  assert.equal(backup.my_role, 'backup');
  assert.equal(backup.escalation, 'community_staff');
});

test('a volunteer cannot read the escalations of others', async () => {
  await sessions();
  const { id } = await newElder();
  await ladder(MONTH_END, [id]);
  const res = await request('GET', '/api/escalations', { cookie: volunteer5 });
  assert.equal(res.status, 403);
  assert.equal(await pulled(volunteer3, id), undefined);
  assert.deepEqual(await notices(volunteer3, id), []);
  assert.deepEqual(stepsOf(await atRisk(coord2), id), [], 'another community’s coordinator');
  assert.deepEqual(stepsOf(await atRisk(district), id), ['community_staff']);
  const anonymous = await request('GET', '/api/escalations');
  assert.equal(anonymous.status, 401);
});

test('the missed reason: only a coordinator of the area, every bad field named', async () => {
  await sessions();
  const { id } = await newElder();
  await ladder(MONTH_END, [id]);
  await ladder(NEXT_MONTH_START, [id]);
  const missed = (await atRisk(coord, '?step=missed')).items.filter((i) => i.elder_id === id && i.period_start === MONTH_START);
  assert.equal(missed.length, 1, JSON.stringify(missed));
  assert.equal(missed[0].period_end, MONTH_END);
  assert.equal(missed[0].reason, null);
  const body = { elder_id: id, requirement: missed[0].requirement, period_start: missed[0].period_start };
  const post = (cookie, extra) => request('POST', '/api/escalations/reason', { cookie, body: { ...body, ...extra } });
  assert.equal((await post(volunteer5, { reason: 'hospital' })).status, 403);
  assert.equal((await post(coord2, { reason: 'hospital' })).status, 404);
  for (const [extra, field] of [
    [{ reason: 'sick' }, 'reason'],
    [{ reason: undefined }, 'reason'],
    [{ reason: 'other', reason_text: ' ' }, 'reason_text'],
    [{ reason: 'away', period_start: '2026-13-01' }, 'period_start'],
    [{ reason: 'away', elder_id: '' }, 'elder_id'],
  ]) {
    const res = await post(coord, extra);
    assert.equal(res.status, 422, res.text);
    assert.equal(errorOf(res).field, field, JSON.stringify(extra));
  }
  const missedOf = async () => (await atRisk(coord, '?step=missed')).items.find((i) => i.elder_id === id && i.period_start === MONTH_START);
  assert.equal((await missedOf()).reason, null,
    'nothing saved by the refused requests');
  const ok = await post(coord, { reason: 'hospital', reason_text: '市一院' });
  assert.equal(ok.status, 200, ok.text);
  const after = await missedOf();
  assert.equal(after.reason, 'hospital');
  assert.equal(after.reason_label, '住院');
  assert.equal(after.reason_text, '市一院');
  assert.ok(after.reason_by_name);
  // The next month's community-staff notice carries the last known reason.
  const nextEnd = new Date(Date.UTC(Y, M + 2, 0)).toISOString().slice(0, 10);
  await ladder(nextEnd, [id]);
  const staff = (await notices(coord, id)).filter((n) => n.subject.startsWith('转社区'));
  assert.equal(staff.length, 2);
  assert.ok(staff.some((n) => n.body.includes('最近原因：住院（市一院）')), JSON.stringify(staff));
});

test('the dev ladder route names a bad day', async () => {
  const res = await request('POST', '/api/dev/ladder', { body: { today: '2026-02-30' } });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'today');
});
