// Push (exactly-once, in order, bounded round trips, merge + conflicts) and pull (scope,
// privacy, removals, incremental cursor).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf, visit, clientId } from './helpers.mjs';

let volunteer1, volunteer2, coord;

before(async () => {
  await seed();
  volunteer1 = await login('volunteer1');
  volunteer2 = await login('volunteer2');
  coord = await login('coord');
});

async function pull(session, cursor = 0) {
  const res = await request('GET', `/api/sync/pull?cursor=${cursor}`, { cookie: session.cookie });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function push(session, body) {
  return request('POST', '/api/sync/push', { cookie: session.cookie, body });
}

test('a volunteer pulls exactly their assigned elders with only the visit fields', async () => {
  const data = await pull(volunteer1);
  assert.equal(data.full, true);
  assert.ok(data.cursor > 0);
  // volunteer1: responsible for 10, backup for 10 in the demo data.
  assert.equal(data.elders.length, 20);
  const roles = new Set(data.elders.map((e) => e.my_role));
  assert.deepEqual([...roles].sort(), ['backup', 'responsible']);
  const text = JSON.stringify(data);
  for (const forbidden of ['id_number', 'disability_certificate_number', 'income', 'pension', 'living_conditions', 'family_members']) {
    assert.ok(!text.includes(forbidden), `pull must not contain ${forbidden}`);
  }
  // No 18-character ID number anywhere in the payload.
  assert.ok(!/\b\d{17}[\dX]\b/.test(text), 'no ID number in a volunteer pull');
  const elder = data.elders[0];
  for (const key of ['id', 'name', 'sex', 'age', 'address', 'phone', 'emergency_contacts', 'categories', 'tier', 'requirements', 'last_visits', 'field_versions']) {
    assert.ok(key in elder, `view has ${key}`);
  }
  assert.ok(elder.requirements.length > 0);
});

test('push is exactly-once and in order: replay acknowledged not re-applied, gap refused', async () => {
  const client = clientId('order');
  const { elders } = await pull(volunteer1);
  const elderId = elders[0].id;
  const first = visit(elderId);
  const second = visit(elderId, { mode: 'phone' });
  const ok = await push(volunteer1, { client_id: client, mutations: [
    { seq: 1, kind: 'visit.create', payload: first },
    { seq: 2, kind: 'visit.create', payload: second },
  ] });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.last_seq, 2);
  assert.deepEqual(ok.json.acks.map((a) => a.status), ['applied', 'applied']);

  // The same push again (lost response, retry): both duplicates, nothing new stored.
  const replay = await push(volunteer1, { client_id: client, mutations: [
    { seq: 1, kind: 'visit.create', payload: first },
    { seq: 2, kind: 'visit.create', payload: second },
  ] });
  assert.equal(replay.status, 200);
  assert.deepEqual(replay.json.acks.map((a) => a.status), ['duplicate', 'duplicate']);
  assert.equal(replay.json.last_seq, 2);

  // A gap: seq 4 before 3.
  const third = visit(elderId);
  const gap = await push(volunteer1, { client_id: client, mutations: [{ seq: 4, kind: 'visit.create', payload: third }] });
  assert.equal(gap.status, 409);
  assert.equal(errorOf(gap).code, 'seq_gap');
  assert.equal(gap.json.error.expected_seq, 3);

  // Out of order inside one push is refused as a whole (nothing applied).
  const disordered = await push(volunteer1, { client_id: client, mutations: [
    { seq: 4, kind: 'visit.create', payload: visit(elderId) },
    { seq: 3, kind: 'visit.create', payload: third },
  ] });
  assert.equal(disordered.status, 422);
  assert.equal(errorOf(disordered).field, 'mutations[1].seq');

  const next = await push(volunteer1, { client_id: client, mutations: [
    { seq: 2, kind: 'visit.create', payload: second },
    { seq: 3, kind: 'visit.create', payload: third },
  ] });
  assert.equal(next.status, 200);
  assert.deepEqual(next.json.acks.map((a) => a.status), ['duplicate', 'applied']);

  // Each visit is stored once.
  const file = await request('GET', `/api/elders/${elderId}`, { cookie: coord.cookie });
  const ids = file.json.visits.map((v) => v.id);
  for (const v of [first, second, third]) {
    assert.equal(ids.filter((id) => id === v.id).length, 1);
  }
});

test('the same visit pushed from two clients is stored once', async () => {
  const { elders } = await pull(volunteer1);
  const record = visit(elders[1].id);
  const a = await push(volunteer1, { client_id: clientId('a'), mutations: [{ seq: 1, kind: 'visit.create', payload: record }] });
  const b = await push(volunteer1, { client_id: clientId('b'), mutations: [{ seq: 1, kind: 'visit.create', payload: record }] });
  assert.equal(a.json.acks[0].status, 'applied');
  assert.equal(b.json.acks[0].status, 'duplicate');
});

test('a push of 100 visits takes a bounded number of D1 round trips', async () => {
  const { elders } = await pull(volunteer1);
  const mutations = [];
  for (let i = 0; i < 100; i++) {
    mutations.push({ seq: i + 1, kind: 'visit.create', payload: visit(elders[i % elders.length].id) });
  }
  const small = await push(volunteer1, { client_id: clientId('small'), mutations: mutations.slice(0, 1) });
  const big = await push(volunteer1, { client_id: clientId('big'), mutations });
  assert.equal(big.status, 200, big.text);
  assert.equal(big.json.acks.length, 100);
  assert.equal(Number(big.headers.get('x-d1-round-trips')), Number(small.headers.get('x-d1-round-trips')));
  assert.ok(Number(big.headers.get('x-d1-round-trips')) <= 3);
});

test('bad visits are refused whole with 422 naming the field, and nothing is applied', async () => {
  const { elders } = await pull(volunteer1);
  const client = clientId('bad');
  const res = await push(volunteer1, { client_id: client, mutations: [
    { seq: 1, kind: 'visit.create', payload: visit(elders[0].id) },
    { seq: 2, kind: 'visit.create', payload: visit(elders[0].id, { mode: 'teleport' }) },
  ] });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).field, 'mutations[1].payload.mode');
  const unknownKind = await push(volunteer1, { client_id: client, mutations: [{ seq: 1, kind: 'elder.delete', payload: {} }] });
  assert.equal(unknownKind.status, 422);
  assert.match(errorOf(unknownKind).field, /^mutations\[0\]/);
  // seq 1 was not consumed.
  const ok = await push(volunteer1, { client_id: client, mutations: [{ seq: 1, kind: 'visit.create', payload: visit(elders[0].id) }] });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.acks[0].status, 'applied');
});

test('a volunteer cannot push for an elder never assigned to them (404, no data)', async () => {
  const res = await push(volunteer1, { client_id: clientId('foreign'), mutations: [
    { seq: 1, kind: 'visit.create', payload: visit('elder-150') },
  ] });
  assert.equal(res.status, 404);
  assert.ok(!res.text.includes('elder-150'));
});

test('concurrent edits of the same field keep both values and create a conflict', async () => {
  // volunteer1 is responsible and volunteer2 backup for elder-001.
  const a = (await pull(volunteer1)).elders.find((e) => e.id === 'elder-001');
  const b = (await pull(volunteer2)).elders.find((e) => e.id === 'elder-001');
  assert.ok(a && b);
  const base = a.field_versions.phone || 0;
  const first = await push(volunteer1, { client_id: clientId('e1'), mutations: [
    { seq: 1, kind: 'elder.edit', payload: { elder_id: 'elder-001', base_versions: { phone: base }, fields: { phone: '13911112222' } } },
  ] });
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.acks[0].status, 'applied');
  const second = await push(volunteer2, { client_id: clientId('e2'), mutations: [
    { seq: 1, kind: 'elder.edit', payload: { elder_id: 'elder-001', base_versions: { phone: base }, fields: { phone: '13933334444' } } },
  ] });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json.acks[0].status, 'conflict');
  assert.equal(second.json.acks[0].conflicts[0].server_value, '13911112222');
  assert.equal(second.json.acks[0].conflicts[0].client_value, '13933334444');
  const list = await request('GET', '/api/conflicts', { cookie: coord.cookie });
  const conflict = list.json.conflicts.find((c) => c.elder_id === 'elder-001' && c.client_value === '13933334444');
  assert.ok(conflict, 'the coordinator sees the conflict');
  const resolved = await request('POST', `/api/conflicts/${conflict.id}/resolve`, { cookie: coord.cookie, body: { choice: 'take_client' } });
  assert.equal(resolved.status, 200);
  const after = (await pull(volunteer1)).elders.find((e) => e.id === 'elder-001');
  assert.equal(after.phone, '13933334444');
});

test('volunteers may not edit fields outside the visit view, nor with bad values', async () => {
  const forbidden = await push(volunteer1, { client_id: clientId('f'), mutations: [
    { seq: 1, kind: 'elder.edit', payload: { elder_id: 'elder-001', fields: { id_number: '110101194503101234' } } },
  ] });
  assert.equal(forbidden.status, 403);
  const bad = await push(volunteer1, { client_id: clientId('f'), mutations: [
    { seq: 1, kind: 'elder.edit', payload: { elder_id: 'elder-001', fields: { consent: 'maybe' } } },
  ] });
  assert.equal(bad.status, 422);
  assert.equal(errorOf(bad).field, 'mutations[0].payload.fields.consent');
});

test('incremental pull returns only changes; reassigning an elder away yields a removal', async () => {
  const volunteer6 = await login('volunteer6');
  const first = await pull(volunteer6);
  assert.equal(first.elders.length, 5);
  const moved = first.elders[0].id;
  const quiet = await pull(volunteer6, first.cursor);
  assert.equal(quiet.full, false);
  assert.equal(quiet.elders.length, 0);
  assert.deepEqual(quiet.removals, []);

  const assign = await request('POST', '/api/assignments', { cookie: coord.cookie, body: { elder_ids: [moved], responsible_id: 'acc-volunteer4' } });
  assert.equal(assign.status, 200, assign.text);
  const after = await pull(volunteer6, first.cursor);
  assert.deepEqual(after.removals, [moved]);
  assert.equal(after.elders.length, 0);
  const full = await pull(volunteer6);
  assert.equal(full.elders.length, 4);
  assert.ok(!full.elders.some((e) => e.id === moved));
  // The new responsible sees it on an incremental pull.
  const volunteer4 = await login('volunteer4');
  const v4 = await pull(volunteer4);
  assert.ok(v4.elders.some((e) => e.id === moved && e.my_role === 'responsible'));
  // A visit made before the reassignment is still accepted (logged offline).
  const late = await push(volunteer6, { client_id: clientId('late'), mutations: [{ seq: 1, kind: 'visit.create', payload: visit(moved) }] });
  assert.equal(late.status, 200, late.text);
});

test('a new visit shows up in the other assignee\'s incremental pull', async () => {
  const start = await pull(volunteer2);
  const record = visit('elder-002');
  const res = await push(volunteer1, { client_id: clientId('share'), mutations: [{ seq: 1, kind: 'visit.create', payload: record }] });
  assert.equal(res.status, 200);
  const next = await pull(volunteer2, start.cursor);
  assert.ok(next.visits.some((v) => v.id === record.id));
  assert.ok(next.cursor > start.cursor);
  // The elder's view is re-sent with the new visit among its last visits.
  const elder = next.elders.find((e) => e.id === 'elder-002');
  assert.ok(elder && elder.last_visits.some((v) => v.id === record.id));
});

test('a newly assigned elder brings its earlier visits on the new volunteer\'s incremental pull', async () => {
  const volunteer6 = await login('volunteer6');
  const volunteer5 = await login('volunteer5');
  const elder = (await pull(volunteer6)).elders[0].id;
  const record = visit(elder);
  const res = await push(volunteer6, { client_id: clientId('history'), mutations: [{ seq: 1, kind: 'visit.create', payload: record }] });
  assert.equal(res.status, 200, res.text);
  // volunteer5 syncs after the visit, while the elder is not theirs yet.
  const start = await pull(volunteer5);
  assert.ok(!start.visits.some((v) => v.id === record.id));
  const assign = await request('POST', '/api/assignments', { cookie: coord.cookie, body: { elder_ids: [elder], responsible_id: 'acc-volunteer5' } });
  assert.equal(assign.status, 200, assign.text);
  const next = await pull(volunteer5, start.cursor);
  assert.ok(next.elders.some((e) => e.id === elder));
  assert.ok(next.visits.some((v) => v.id === record.id), 'the visit made before the assignment reaches the new phone');
});

test('active surges reach the phones of the area', async () => {
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  const created = await request('POST', '/api/surges', { cookie: coord.cookie, body: {
    region_code: '120101001001', title: '高温加密探访', start_date: today, end_date: today,
    requirement: { kind: 'visit', mode: 'any', count: 1, per: 'week' },
  } });
  assert.equal(created.status, 201, created.text);
  const data = await pull(volunteer1);
  assert.ok(data.surges.some((s) => s.id === created.json.id));
  const student = await login('student1'); // 福明社区, outside the surge
  const other = await pull(student);
  assert.ok(!other.surges.some((s) => s.id === created.json.id));
});

// The pull sends each stored record through as D1 gives it (signature blanked in SQL) and
// takes the open needs from the latest visit's `needs` only: the same answers as parsing
// every record in the worker (the coordinator's elder page still does that, so compare).
test('a pull carries the latest visit\'s needs and a drawn signature only as "(signed)", in full and incremental pulls', async () => {
  const start = await pull(volunteer1);
  const elderId = start.elders[start.elders.length - 1].id;
  const yesterday = new Date(Date.now() + 8 * 3600 * 1000 - 86400 * 1000).toISOString().slice(0, 10);
  const earlier = visit(elderId, { date: yesterday, needs: [{ category: 'policy_application', text: '' }] });
  const latest = visit(elderId, {
    needs: [{ category: 'daily_care', text: '买菜' }, { category: 'emotional_comfort', text: '' }],
    confirmation: { confirmed: true, by: 'elder', name: '', signature: 'data:image/png;base64,iVBORw0KGgoSIGNATUREPIXELS' },
  });
  const res = await push(volunteer1, { client_id: clientId('needs'), mutations: [
    { seq: 1, kind: 'visit.create', payload: earlier },
    { seq: 2, kind: 'visit.create', payload: latest },
  ] });
  assert.equal(res.status, 200, res.text);

  const district = await login('district');
  const detail = await request('GET', `/api/elders/${elderId}`, { cookie: district.cookie });
  assert.equal(detail.status, 200, detail.text);
  const detailRecord = (id) => detail.json.visits.find((v) => v.id === id);
  assert.equal(detailRecord(latest.id).confirmation.signature, '(signed)');

  for (const data of [await pull(volunteer1), await pull(volunteer1, start.cursor)]) {
    const text = JSON.stringify(data);
    assert.ok(!text.includes('SIGNATUREPIXELS'), 'no signature image in a pull');
    const elder = data.elders.find((e) => e.id === elderId);
    assert.ok(elder, 'the elder is in the pull');
    assert.deepEqual(elder.open_needs, ['需求转介：生活照料（买菜）', '需求转介：精神慰藉']);
    // Newest first (other test files may have added visits of today to this elder too).
    assert.equal(elder.last_visits[0].id, latest.id);
    const sent = data.visits.find((v) => v.id === latest.id);
    assert.equal(sent.confirmation.signature, '(signed)');
    assert.equal(sent.confirmation.confirmed, true);
    // The same record as the worker's own parse-and-blank gives (key order aside; the console
    // also gets the visit's evidence flags beside the record).
    const record = (id) => {
      const { evidence_flags: _flags, ...rest } = detailRecord(id);
      return rest;
    };
    assert.deepEqual(sent, record(latest.id));
    assert.deepEqual(data.visits.find((v) => v.id === earlier.id), record(earlier.id));
  }
});

test('a coordinator\'s full pull has every elder of the subtree exactly once, with visits and no ID numbers', async () => {
  const district = await login('district');
  const total = (await request('GET', '/api/elders?page_size=1', { cookie: district.cookie })).json.total;
  const data = await pull(district);
  assert.equal(data.full, true);
  const ids = data.elders.map((e) => e.id);
  assert.equal(ids.length, total);
  assert.equal(new Set(ids).size, ids.length, 'no elder twice');
  assert.ok(data.elders.every((e) => e.my_role === 'coordinator' || e.my_role === 'responsible' || e.my_role === 'backup'));
  assert.ok(data.visits.length > 0);
  assert.ok(data.visits.every((v) => ids.includes(v.elder_id)), 'visits only of elders in the pull');
  const text = JSON.stringify(data);
  assert.ok(!text.includes('id_number'), 'the pull view carries no ID number field');
  assert.ok(!/\b\d{17}[\dX]\b/.test(text), 'no ID number in the pull');
});
