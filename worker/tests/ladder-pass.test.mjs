// The ladder pass reads only the elders whose ladder may have changed (issue 15, migration 0180):
// what the pass last handled is kept per elder (the due row's version and computation day, and
// the next day a step not written yet is reached), so a second pass with nothing new reads no
// elder, a later day before the next step reads none either, the day of a step reads the elders
// reaching it, and a visit arriving after a step makes its elder read again so the step is
// cleared. Paging (a few elders at a time) writes the same rows as one page. Each test makes its
// own elders in 新津 and limits the pass to them (`elder_ids`), as escalation.test does.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, clientId } from './helpers.mjs';

const XINJIN = '120101001001';
const RUN = Date.now() % 100000;
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
let made = 0;

// Next month (China time): its days are after the server's today, as in escalation.test.
const now = new Date(Date.now() + 8 * 3600 * 1000);
const Y = now.getUTCMonth() === 11 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
const M = (now.getUTCMonth() + 1) % 12;
const day = (d) => new Date(Date.UTC(Y, M, d)).toISOString().slice(0, 10);
const LAST = new Date(Date.UTC(Y, M + 1, 0)).getUTCDate();
const MONTH_START = day(1);
// A monthly requirement's steps (the default thresholds: remind at the half, hand over 7 days
// and community staff 3 days before the end): day 20 is after the reminder and before the
// hand-over in every month; the hand-over is on LAST − 7.
const REMINDED = day(20);
const HANDED = day(LAST - 7);

let district, coord, volunteer5;
const mine = [];

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
  district = (await login('district')).cookie;
  coord = (await login('coord')).cookie;
  volunteer5 = (await login('volunteer5')).cookie;
}

async function newElder() {
  made += 1;
  const name = `页${[...`${String(RUN).padStart(5, '0')}${made}`].map((d) => DIGITS[Number(d)]).join('')}`;
  const created = await request('POST', '/api/elders?confirm_duplicate=1', {
    cookie: district,
    body: {
      name, sex: 'male', birth_date: '1941-05-06',
      address: { region_code: XINJIN, city: '天津市', district: '和平区', street: '劝业场街道', community: '新津社区', detail: '分页路2号' },
      phone: '13800138003',
      emergency_contacts: [{ kind: 'child', name: '分页子女', relation: '儿子', phone: '13900139003' }],
      categories: ['living_alone'], capability: 'intact', consent: 'accepted',
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
  return id;
}

async function ladder(today, elderIds, pageSize) {
  const body = { today, elder_ids: elderIds };
  if (pageSize) body.page_size = pageSize;
  const res = await request('POST', '/api/dev/ladder', { body });
  assert.equal(res.status, 200, res.text);
  return res.json.outcome;
}

async function pushVisit(elderId, date) {
  const res = await request('POST', '/api/sync/push', {
    cookie: volunteer5,
    body: { client_id: clientId('page'), mutations: [{ seq: 1, kind: 'visit.create', payload: {
      id: `page-${RUN}-${Math.random().toString(36).slice(2, 10)}`, elder_id: elderId, date, mode: 'home',
    } }] },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.acks[0].status, 'applied', res.text);
}

/** The at-risk rows of some elders, keyed by elder, without the elder's own fields. */
async function stepsOf(elderIds) {
  const res = await request('GET', '/api/escalations', { cookie: coord });
  assert.equal(res.status, 200, res.text);
  return elderIds.map((id) => res.json.items
    .filter((i) => i.elder_id === id)
    .map((i) => [i.requirement, i.period_start, i.period_end, i.step, JSON.stringify(i.steps), i.substitute])
    .sort());
}

async function dueCheck(today) {
  const res = await request('POST', '/api/dev/due/check', { body: { today, region: XINJIN } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.count, 0, JSON.stringify(res.json.differences.slice(0, 3)));
}

test('a pass reads only the elders whose ladder may have changed, and still clears a step', async () => {
  await sessions();
  const a = await newElder();
  const b = await newElder();
  const first = await ladder(REMINDED, [a, b]);
  assert.equal(first.elders, 2, JSON.stringify(first));
  assert.ok(first.steps >= 2, JSON.stringify(first));
  // Nothing changed: no elder is read, nothing written.
  const again = await ladder(REMINDED, [a, b]);
  assert.deepEqual(again, { ...again, elders: 0, steps: 0, cleared: 0, notices: 0 });
  // A later day before the hand-over: no step is new, no elder is read.
  if (LAST - 8 > 20) {
    const between = await ladder(day(LAST - 8), [a, b]);
    assert.deepEqual(between, { ...between, elders: 0, steps: 0 });
  }
  // The hand-over's day: both are read, each gets its hand-over.
  const handed = await ladder(HANDED, [a, b]);
  assert.equal(handed.elders, 2, JSON.stringify(handed));
  assert.equal(handed.steps, 2, JSON.stringify(handed));
  const current = (list) => list.filter((row) => row[1] === MONTH_START).map((row) => row[3]);
  assert.deepEqual((await stepsOf([a, b])).map(current), [['handed_to_backup'], ['handed_to_backup']]);
  // A visit arriving after the steps: its elder is read again (its row changed) and the
  // month's steps are cleared; the other elder is not read.
  await pushVisit(a, HANDED);
  const visited = await ladder(HANDED, [a, b]);
  assert.equal(visited.elders, 1, JSON.stringify(visited));
  assert.equal(visited.cleared, 1, JSON.stringify(visited));
  assert.equal(visited.steps, 0, JSON.stringify(visited));
  assert.deepEqual((await stepsOf([a, b])).map(current), [[], ['handed_to_backup']]);
  assert.equal((await ladder(HANDED, [a, b])).elders, 0);
  await dueCheck(HANDED);
});

test('a pass in pages of one elder writes the same rows as a pass in one page', async () => {
  await sessions();
  const paged = [await newElder(), await newElder(), await newElder()];
  const whole = [await newElder(), await newElder(), await newElder()];
  await pushVisit(paged[1], MONTH_START);
  await pushVisit(whole[1], MONTH_START);
  const byPages = await ladder(HANDED, paged, 1);
  const inOne = await ladder(HANDED, whole);
  assert.equal(byPages.elders, 3);
  assert.deepEqual(byPages, inOne);
  assert.ok(byPages.steps > 0, JSON.stringify(byPages));
  assert.deepEqual(await stepsOf(paged), await stepsOf(whole));
  // Paged or not, a second pass reads nobody.
  assert.equal((await ladder(HANDED, paged, 1)).elders, 0);
  assert.equal((await ladder(HANDED, whole)).elders, 0);
});

test('the dev ladder route names a bad page size', async () => {
  const res = await request('POST', '/api/dev/ladder', { body: { today: MONTH_START, page_size: 0 } });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.error.field, 'page_size');
});
