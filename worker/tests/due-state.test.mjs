// The incremental due state (issue 15, migration 0170): after seeded random edits through the
// real APIs — visits pushed (some dated ahead, as a phone with a wrong clock does), elder files
// edited (tier facts, consent, birth dates near a birthday, a move to another community),
// assignments changed, surges declared, policy versions adopted with an effective date, the
// date rolled forward — the table the due board and the ladder pass read equals a full
// recomputation (POST /api/dev/due/check, which rolls the scope over as every reader does and
// lists the differences). A write path that did not mark its elders stale leaves a difference.
// Seed: TANFANG_DUE_SEED (printed).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request } from './helpers.mjs';

const XINJIN = '120101001001';
const LANTIAN = '120101002001';
const DISTRICT = '120101';
const SEED = Number(process.env.TANFANG_DUE_SEED || Date.now() % 1000000);

// The random edits adopt policy versions and declare surges in the coming weeks; the files after
// this one (escalation, sync…) must not inherit them, so the database goes back to the demo
// data set (a wipe and a fresh seed, as setup.test does).
after(async () => {
  const res = await request('POST', '/api/dev/seed?reset=1');
  assert.equal(res.status, 200, res.text);
});
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

function mulberry32(a) {
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(SEED);
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function check(today, region = DISTRICT) {
  const res = await request('POST', '/api/dev/due/check', { body: { today, region } });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function assertSame(result, what) {
  assert.equal(result.count, 0,
    `seed ${SEED}, ${what}: ${result.count} differences, first: ${JSON.stringify(result.differences.slice(0, 3))}`);
  assert.ok(result.elders > 0);
}

test('after random edits through the APIs, the due table equals a full recomputation', async () => {
  console.log(`due-state seed ${SEED}`);
  await seed();
  const district = (await login('district')).cookie; // 和平区
  const admin = (await login('admin')).cookie;
  const today = (await request('GET', '/api/due?limit=1', { cookie: district })).json.today;
  assertSame(await check(today), 'the seeded data');

  // Elders of our own, so the edits below do not change what other test files see today.
  const elders = [];
  const run = String(Date.now() % 1000000).padStart(6, "0");
  for (let n = 0; n < 12; n++) {
    // Some turn 80 within the next weeks: the date roll-over must re-classify them.
    const age = pick([61, 64, 72, 79, 80, 85, 91]);
    const birth = addDays(`${Number(today.slice(0, 4)) - age}${today.slice(4)}`, int(-20, 40));
    const name = `态${[...`${run}${n}`].map((d) => DIGITS[Number(d)]).join('')}`;
    const created = await request('POST', '/api/elders', {
      cookie: district,
      body: {
        name, sex: pick(['male', 'female']), birth_date: birth,
        address: { region_code: XINJIN, city: '天津市', district: '和平区', street: '劝业场街道', community: '新津社区', detail: `态路${n}号` },
        phone: '13800138001',
        emergency_contacts: [{ kind: 'child', name: '子女', relation: '儿子', phone: '13900139001' }],
        categories: [pick(['solitary', 'living_alone', 'empty_nest', 'left_behind', 'family_planning_special'])],
        capability: pick(['intact', 'mild', 'moderate', 'severe', 'total']),
        consent: 'accepted',
      },
    });
    assert.equal(created.status, 201, created.text);
    elders.push(created.json.id);
  }
  assertSame(await check(today), 'elders created');

  let seq = 0;
  const clientId = `due-state-${SEED}-${run}`;
  const done = new Set();
  for (let step = 0; step < 36; step++) {
    const op = step < 6 ? ['visit', 'edit', 'assign', 'surge', 'policy', 'roll'][step] : pick(['visit', 'visit', 'visit', 'edit', 'edit', 'assign', 'surge', 'policy', 'roll']);
    const elder = pick(elders);
    let what = op;
    if (op === 'visit') {
      seq += 1;
      const date = addDays(today, random() < 0.15 ? int(1, 5) : -int(0, 70));
      const mode = pick(['home', 'home', 'phone', 'video', 'encounter']);
      const kind = random() < 0.2 ? 'community_help' : 'visit';
      const res = await request('POST', '/api/sync/push', { cookie: district, body: { client_id: clientId, mutations: [
        { seq, kind: 'visit.create', payload: { id: `${clientId}-${seq}`, elder_id: elder, date, mode, kind } },
      ] } });
      assert.equal(res.status, 200, res.text);
      what = `visit ${date} ${mode} ${kind} for ${elder}`;
    } else if (op === 'edit') {
      const file = await request('GET', `/api/elders/${elder}`, { cookie: district });
      assert.equal(file.status, 200, file.text);
      const change = pick(['capability', 'categories', 'consent', 'birth_date', 'move']);
      const edited = { ...file.json.elder, base_versions: file.json.field_versions };
      if (change === 'capability') edited.capability = pick(['intact', 'mild', 'moderate', 'severe', 'total']);
      if (change === 'categories') edited.categories = [pick(['solitary', 'living_alone', 'empty_nest', 'left_behind', 'family_planning_special'])];
      if (change === 'consent') {
        edited.consent = edited.consent === 'declined' ? 'accepted' : 'declined';
        edited.consent_history = [...(edited.consent_history || []),
          { date: today, decision: edited.consent, note: edited.consent === 'declined' ? '本人拒绝' : '同意探访' }];
      }
      if (change === 'birth_date') edited.birth_date = addDays(`${Number(today.slice(0, 4)) - 80}${today.slice(4)}`, int(-10, 30));
      if (change === 'move') {
        const there = edited.address.region_code === XINJIN;
        edited.address = { ...edited.address, region_code: there ? LANTIAN : XINJIN, community: there ? '蓝天社区' : '新津社区' };
      }
      const saved = await request('PUT', `/api/elders/${elder}`, { cookie: district, body: edited });
      assert.equal(saved.status, 200, saved.text);
      what = `edit ${change} of ${elder}`;
    } else if (op === 'assign') {
      const [responsible, backup] = random() < 0.5 ? ['acc-volunteer5', 'acc-volunteer3'] : ['acc-volunteer3', 'acc-volunteer5'];
      const res = await request('POST', '/api/assignments', {
        cookie: district, body: { elder_ids: [elder], responsible_id: responsible, backup_id: backup },
      });
      assert.equal(res.status, 200, res.text);
      what = `assign ${elder} to ${responsible}`;
    } else if (op === 'surge') {
      // In the future, so the boards other test files read today do not change.
      const start = addDays(today, int(2, 40));
      const res = await request('POST', '/api/surges', { cookie: district, body: {
        region_code: pick([XINJIN, LANTIAN]), title: `态-加密-${step}`, start_date: start, end_date: addDays(start, int(0, 10)),
        requirement: { kind: 'visit', mode: pick(['any', 'home']), count: int(1, 2), per: pick(['week', 'month']) },
      } });
      assert.equal(res.status, 201, res.text);
      what = `surge from ${start}`;
    } else if (op === 'policy') {
      const from = addDays(today, int(3, 50));
      const res = await request('POST', '/api/policy', { cookie: admin, body: {
        policy: pick(['national', 'jining', 'pingli', 'tianjin', 'jiangmen']), effective_from: from, reason: `态 ${step}`,
      } });
      assert.equal(res.status, 200, res.text);
      what = `policy from ${from}`;
    }
    // The table, read as of today and as of a later day (the date rolled forward), equals a
    // full recomputation; and again today (rows computed for a later day are not today's).
    const later = addDays(today, op === 'roll' ? int(20, 90) : int(0, 60));
    assertSame(await check(later), `${what}, read on ${later}`);
    assertSame(await check(today), `${what}, read today after ${later}`);
    done.add(op);
  }
  assert.deepEqual([...done].sort(), ['assign', 'edit', 'policy', 'roll', 'surge', 'visit']);
  // The board reads the same table: every one of our elders due today is on it.
  const board = await request('GET', `/api/due?limit=5000&region=${XINJIN}`, { cookie: district });
  assert.equal(board.status, 200, board.text);
  const onBoard = new Set(board.json.items.map((i) => i.elder_id));
  assert.ok(elders.some((id) => onBoard.has(id)), 'some of the elders are due');
});

test('a read for an earlier day recomputes the rows computed for a later one', async () => {
  await seed();
  const district = (await login('district')).cookie;
  const today = (await request('GET', '/api/due?limit=1', { cookie: district })).json.today;
  const before = await check(today, XINJIN);
  assert.equal(before.count, 0);
  // Rows computed for today are stale three days before (computed_on > today): recomputed.
  const earlier = await check(addDays(today, -3), XINJIN);
  assert.equal(earlier.count, 0, JSON.stringify(earlier.differences.slice(0, 2)));
  assert.ok(earlier.refreshed > 0, 'rows computed for today are recomputed for an earlier day');
});
