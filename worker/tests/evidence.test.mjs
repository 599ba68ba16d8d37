// Visit evidence (issue 16): the push computes each visit's flags (tanfang_domain::evidence)
// and never refuses a visit for them; the elder file and the ledger show them; the ledger
// filters by flag; another volunteer's pull never carries a location; the ledger and the elder
// file mask the location to the community for a community coordinator.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf, visit, clientId } from './helpers.mjs';

const BASE = (process.env.TANFANG_BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '');
const HOME = { lat: 39.1175, lon: 117.2002 };
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
// Phone times far from "now", so other test files' visits (saved around now) never join a
// burst of these; each case gets its own hour.
const NOW = Date.now();
const cstDay = (ms) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);

let volunteer1, volunteer2, coord, district, elderId, elderName;

async function pull(session) {
  const res = await request('GET', '/api/sync/pull?cursor=0', { cookie: session.cookie });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

async function push(session, visits, extra = {}) {
  const res = await request('POST', '/api/sync/push', {
    cookie: session.cookie,
    body: {
      client_id: clientId('evidence'),
      mutations: visits.map((payload, index) => ({ seq: index + 1, kind: 'visit.create', payload })),
      ...extra,
    },
  });
  assert.equal(res.status, 200, res.text);
  assert.ok(res.json.acks.every((ack) => ack.status === 'applied'), 'flags never block a visit');
  return res.json;
}

async function elderFile(session) {
  const res = await request('GET', `/api/elders/${elderId}`, { cookie: session.cookie });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function flagsOf(file, id) {
  const found = file.visits.find((v) => v.id === id);
  assert.ok(found, `visit ${id} in the elder file`);
  return found.evidence_flags;
}

/** The ledger as CSV rows (quoted fields with commas handled). */
async function ledgerCsv(session, query) {
  const res = await fetch(`${BASE}/api/exports/ledger?format=csv&from=2020-01-01&to=2030-12-31&${query}`, {
    headers: { cookie: session.cookie },
  });
  assert.equal(res.status, 200, await res.clone().text());
  const text = (await res.text()).replace(/^\uFEFF/, '');
  return text
    .split('\r\n')
    .filter((line) => line)
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1].replace(/^"|"$/g, '').replaceAll('""', '"')))
    .map((cells) => cells.slice(0, cells.length - (cells.at(-1) === '' && cells.length > 1 ? 1 : 0)));
}

function confirmed(overrides = {}) {
  return { confirmation: { confirmed: true, method: 'spoken' }, ...overrides };
}

let late, far, skewed, burst;

before(async () => {
  await seed();
  [volunteer1, volunteer2, coord, district] = await Promise.all(
    ['volunteer1', 'volunteer2', 'coord', 'district'].map((name) => login(name)),
  );
  // An elder volunteer1 is responsible for and volunteer2 backs up: both phones hold it.
  const theirs = new Set((await pull(volunteer2)).elders.filter((e) => e.my_role === 'backup').map((e) => e.id));
  const shared = (await pull(volunteer1)).elders.filter((e) => e.my_role === 'responsible' && theirs.has(e.id));
  assert.ok(shared.length > 0, 'an elder shared by volunteer1 and volunteer2');
  ({ id: elderId, name: elderName } = shared.at(-1));

  // The coordinator geocodes the elder's home (an optional point on the file).
  const detail = await elderFile(coord);
  const file = { ...detail.elder, location: HOME };
  const saved = await request('PUT', `/api/elders/${elderId}`, { cookie: coord.cookie, body: file });
  assert.equal(saved.status, 200, saved.text);
  assert.deepEqual((await elderFile(coord)).elder.location, HOME);
  const bad = await request('PUT', `/api/elders/${elderId}`, {
    cookie: coord.cookie,
    body: { ...file, location: { lat: 95, lon: 117 } },
  });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(errorOf(bad).field, 'location.lat');

  // Four visits by volunteer1, each with one kind of doubt.
  const at = (hours) => NOW + hours * HOUR;
  late = visit(elderId, confirmed({
    date: cstDay(NOW - 10 * DAY),
    device_time_ms: at(1),
    location: { ...HOME, accuracy_m: 15 },
  }));
  far = visit(elderId, {
    device_time_ms: at(2),
    location: { lat: HOME.lat + 0.05, lon: HOME.lon, accuracy_m: 25 },
    confirmation: { confirmed: false, method: 'none' },
  });
  await push(volunteer1, [late, far]);
  // A phone whose clock is a day behind: the worker notes the offset on the record.
  skewed = visit(elderId, confirmed({ device_time_ms: NOW - DAY, date: cstDay(NOW - DAY) }));
  const answer = await push(volunteer1, [skewed], { device_now_ms: NOW - DAY });
  assert.ok(answer.clock_skew_ms > 0);
  // volunteer2 saves three visits within four minutes, in two pushes.
  burst = [0, 2, 4].map((minutes) => visit(elderId, confirmed({ mode: 'phone', device_time_ms: at(5) + minutes * 60000 })));
  await push(volunteer2, burst.slice(0, 2));
});

test('the push computes each flag and keeps the visit', async () => {
  const file = await elderFile(district);
  assert.deepEqual(flagsOf(file, late.id), ['late_entry']);
  assert.deepEqual(flagsOf(file, far.id), ['far_from_home', 'home_unconfirmed']);
  assert.deepEqual(flagsOf(file, skewed.id), ['clock_skew']);
  // Two visits in minutes are not yet a burst.
  assert.deepEqual(flagsOf(file, burst[0].id), []);
  assert.deepEqual(flagsOf(file, burst[1].id), []);
});

test('a third visit within minutes flags the whole burst, earlier visits included', async () => {
  await push(volunteer2, [burst[2]]);
  const file = await elderFile(district);
  for (const v of burst) assert.deepEqual(flagsOf(file, v.id), ['burst'], v.id);
  assert.deepEqual(flagsOf(file, late.id), ['late_entry'], 'other visits keep their flags');
});

test('the ledger shows the flags and filters by flag', async () => {
  const rows = await ledgerCsv(district, 'flag=late_entry');
  // Filtered by flag, the visits sheet comes first: title, headers, then the flagged visits.
  assert.deepEqual(rows[1], ['探访日期', '姓名', '社区(村)', '方式', '类型', '探访人', '时长(分钟)', '存疑标记', '位置']);
  const visits = rows.slice(2);
  assert.ok(visits.length >= 1);
  assert.ok(visits.every((r) => r[7].split('、').includes('补录过迟')), 'only late entries');
  const mine = visits.find((r) => r[0] === late.date && r[1] === elderName);
  assert.ok(mine, 'the late visit is listed');
  // A district coordinator sees coordinates with their accuracy.
  assert.equal(mine[8], '39.11750, 117.20020 ±15 m');

  const farRows = (await ledgerCsv(district, 'flag=far_from_home')).slice(2);
  assert.ok(farRows.some((r) => r[1] === elderName && r[7] === '定位远离住址、上门未经老人确认'));
  assert.ok(!farRows.some((r) => r[7] === '补录过迟'), 'the late visit is not far');

  const unknown = await request('GET', '/api/exports/ledger?format=csv&flag=nope', { cookie: district.cookie });
  assert.equal(unknown.status, 422);
  assert.equal(errorOf(unknown).field, 'flag');
});

test('a community coordinator sees the community, not the coordinates', async () => {
  const rows = (await ledgerCsv(coord, 'flag=late_entry')).slice(2);
  const mine = rows.find((r) => r[0] === late.date && r[1] === elderName);
  assert.ok(mine, 'the late visit is listed for the community coordinator');
  assert.equal(mine[8], '新津社区');
  assert.ok(!rows.some((r) => /\d+\.\d{5}/.test(r[8])), 'no coordinates in a community export');
  const file = await elderFile(coord);
  const visitInFile = file.visits.find((v) => v.id === late.id);
  assert.deepEqual(visitInFile.location, { community: '新津社区' });
  assert.deepEqual(visitInFile.evidence_flags, ['late_entry'], 'flags stay visible');
  const seenByDistrict = (await elderFile(district)).visits.find((v) => v.id === late.id);
  assert.equal(seenByDistrict.location.lat, HOME.lat);
});

test("another volunteer's pull never carries a location; the visitor's own does", async () => {
  const theirs = (await pull(volunteer2)).visits.filter((v) => v.elder_id === elderId);
  const located = [late.id, far.id];
  for (const id of located) {
    const record = theirs.find((v) => v.id === id);
    assert.ok(record, `volunteer2 holds visit ${id}`);
    assert.ok(!('location' in record), `no location of volunteer1's visit on volunteer2's phone: ${JSON.stringify(record)}`);
  }
  assert.ok(!JSON.stringify(theirs).includes(String(HOME.lat + 0.05).slice(0, 6)), 'no coordinates anywhere');
  const own = (await pull(volunteer1)).visits.find((v) => v.id === far.id);
  assert.equal(own.location.lat, HOME.lat + 0.05);
});
