// Data-scope matrix (issue 8, part 2): not only "which status does each role get" (that is
// roles.test.mjs) but "is every record in a successful answer inside the caller's scope".
// Generated from the seeded data itself: the admin's full registry is the ground truth of who
// is responsible/backup for which elder and where each elder lives; then for every account
// and every data endpoint the answer must hold exactly / only the elders of its scope, never an
// ID number or other server-only field, and out-of-scope ids must be refused without data.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, visit, clientId } from './helpers.mjs';

const VOLUNTEERS = ['volunteer1', 'volunteer2', 'volunteer3', 'volunteer4', 'volunteer5', 'volunteer6', 'student1'];
const COORDINATORS = ['coord', 'coord2', 'district'];
const GROUP_ADMINS = ['group1'];
const SERVER_ONLY_KEYS = ['id_number', 'certificate_number', 'certificate_numbers', 'income', 'monthly_income', 'password', 'password_hash'];
const ID_NUMBER = /(?<!\d)\d{17}[\dXx](?!\d)/;

const sessions = {};
const me = {};
let registry = []; // every elder, as the admin lists it

/** Every elder id in a JSON answer (values of `id`/`elder_id` keys that look like elder ids). */
function elderIdsIn(value, found = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => elderIdsIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if ((key === 'id' || key === 'elder_id') && typeof v === 'string' && /^elder-/.test(v)) found.add(v);
      elderIdsIn(v, found);
    }
  }
  return found;
}

/** Every key of a JSON answer, recursively. */
function keysIn(value, found = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => keysIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      found.add(key);
      keysIn(v, found);
    }
  }
  return found;
}

/** Region prefix governed by a coordinator's region code (120101001001 → itself, 120101000000 → 120101). */
function regionPrefix(code) {
  let prefix = code;
  while (prefix.length > 6 && prefix.endsWith('000')) prefix = prefix.slice(0, -3);
  return prefix;
}

function volunteerScope(accountId) {
  return new Set(
    registry
      .filter((e) => e.responsible?.id === accountId || e.backup?.id === accountId)
      .map((e) => e.id),
  );
}

function coordinatorScope(login) {
  const prefix = regionPrefix(me[login].region.code);
  return new Set(registry.filter((e) => e.region_code.startsWith(prefix)).map((e) => e.id));
}

function assertNoServerOnlyData(res, who, path) {
  assert.ok(!ID_NUMBER.test(res.text), `${who} ${path}: an ID number in the answer`);
  const keys = keysIn(res.json);
  for (const key of SERVER_ONLY_KEYS) assert.ok(!keys.has(key), `${who} ${path}: server-only key ${key}`);
}

function assertRefusedWithoutData(res, who, path) {
  assert.ok([403, 404].includes(res.status), `${who} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
  assert.deepEqual(Object.keys(res.json), ['error'], `${who} ${path}: a refusal carries only the error`);
  assert.equal(elderIdsIn(res.json).size, 0, `${who} ${path}: elder ids in a refusal`);
}

before(async () => {
  await seed();
  for (const who of ['admin', ...VOLUNTEERS, ...COORDINATORS, ...GROUP_ADMINS]) {
    const session = await login(who);
    sessions[who] = session.cookie;
    me[who] = session.user ?? (await request('GET', '/api/me', { cookie: session.cookie })).json.user;
  }
  const all = await request('GET', '/api/elders?page_size=500', { cookie: sessions.admin });
  assert.equal(all.status, 200);
  registry = all.json.items;
  assert.equal(registry.length, all.json.total, 'the admin sees the whole registry on one page');
  assert.ok(registry.length >= 100);
});

// ---- volunteers: exactly their elders, only what a visit needs ------------------------------

for (const who of VOLUNTEERS) {
  test(`${who}: a full pull holds exactly the elders they are responsible/backup for`, async () => {
    const scope = volunteerScope(me[who].id);
    const res = await request('GET', '/api/sync/pull?cursor=0', { cookie: sessions[who] });
    assert.equal(res.status, 200);
    const pulled = new Set(res.json.elders.map((e) => e.id));
    assert.deepEqual([...pulled].sort(), [...scope].sort());
    for (const elder of res.json.elders) {
      assert.ok(['responsible', 'backup'].includes(elder.my_role), `${elder.id} my_role ${elder.my_role}`);
    }
    for (const record of res.json.visits) assert.ok(scope.has(record.elder_id), `visit ${record.id} of ${record.elder_id}`);
    for (const id of elderIdsIn(res.json)) assert.ok(scope.has(id), `${id} outside ${who}'s scope`);
    assertNoServerOnlyData(res, who, '/api/sync/pull');
  });

  test(`${who}: coordinator endpoints and other elders' files are refused without data`, async () => {
    const outside = registry.find((e) => !volunteerScope(me[who].id).has(e.id));
    for (const path of ['/api/elders', `/api/elders/${outside.id}`, '/api/due', '/api/conflicts', '/api/audit']) {
      const res = await request('GET', path, { cookie: sessions[who] });
      assertRefusedWithoutData(res, who, path);
    }
  });

  test(`${who}: a visit pushed for an elder outside their scope is refused and not stored`, async () => {
    const scope = volunteerScope(me[who].id);
    const outside = registry.filter((e) => !scope.has(e.id)).slice(0, 3);
    for (const elder of outside) {
      const record = visit(elder.id, { suggestions: `scope-probe-${who}` });
      const res = await request('POST', '/api/sync/push', {
        cookie: sessions[who],
        body: { client_id: clientId(`scope-${who}`), mutations: [{ seq: 1, kind: 'visit.create', payload: record }] },
      });
      assertRefusedWithoutData(res, who, `push visit for ${elder.id}`);
      const edit = await request('POST', '/api/sync/push', {
        cookie: sessions[who],
        body: {
          client_id: clientId(`scope-${who}`),
          mutations: [{ seq: 1, kind: 'elder.edit', payload: { elder_id: elder.id, base_versions: {}, fields: { phone: '13800001111' } } }],
        },
      });
      assertRefusedWithoutData(edit, who, `push edit for ${elder.id}`);
      // Nothing reached the registry: the admin's full pull does not have the probe visit.
      const adminPull = await request('GET', '/api/sync/pull?cursor=0', { cookie: sessions.admin });
      assert.ok(!adminPull.json.visits.some((v) => v.id === record.id), `${record.id} was stored`);
    }
  });

  test(`${who}: server-only fields cannot be edited from the phone`, async () => {
    const mine = [...volunteerScope(me[who].id)][0];
    if (!mine) return;
    const res = await request('POST', '/api/sync/push', {
      cookie: sessions[who],
      body: {
        client_id: clientId(`fields-${who}`),
        mutations: [{ seq: 1, kind: 'elder.edit', payload: { elder_id: mine, base_versions: {}, fields: { id_number: '11010519491231002X' } } }],
      },
    });
    assert.ok(res.status >= 400, `editing id_number → ${res.status}`);
    assert.ok(!ID_NUMBER.test(res.text));
  });
}

// ---- coordinators: their region, every endpoint, every elder id ---------------------------

for (const who of COORDINATORS) {
  const endpoints = ['/api/elders?page_size=500', '/api/due', '/api/conflicts?status=all', '/api/sync/pull?cursor=0'];
  for (const path of endpoints) {
    test(`${who}: GET ${path} holds only elders of their region`, async () => {
      const scope = coordinatorScope(who);
      const res = await request('GET', path, { cookie: sessions[who] });
      assert.equal(res.status, 200, res.text.slice(0, 200));
      const ids = elderIdsIn(res.json);
      for (const id of ids) assert.ok(scope.has(id), `${id} outside ${who}'s region`);
      if (path.startsWith('/api/elders')) {
        assert.equal(res.json.total, scope.size, 'the registry count is the region count');
        assert.deepEqual([...ids].sort(), [...scope].sort());
      }
      if (path.startsWith('/api/sync/pull')) assert.deepEqual([...new Set(res.json.elders.map((e) => e.id))].sort(), [...scope].sort());
      assert.ok(!ID_NUMBER.test(res.text), `${who} ${path}: an unmasked ID number`);
    });
  }

  test(`${who}: every elder outside the region is refused, every elder inside is readable`, async () => {
    const scope = coordinatorScope(who);
    for (const elder of registry) {
      const res = await request('GET', `/api/elders/${elder.id}`, { cookie: sessions[who] });
      if (scope.has(elder.id)) {
        assert.equal(res.status, 200, `${who} ${elder.id}`);
        assert.ok(!ID_NUMBER.test(res.text), `${who} ${elder.id}: unmasked ID number without a reveal`);
      } else {
        assertRefusedWithoutData(res, who, `/api/elders/${elder.id}`);
        const reveal = await request('POST', `/api/elders/${elder.id}/reveal`, { cookie: sessions[who], body: { reason: 'scope probe' } });
        assertRefusedWithoutData(reveal, who, `reveal ${elder.id}`);
      }
    }
  });
}

// ---- group admins: no elder data at all ----------------------------------------------------

for (const who of GROUP_ADMINS) {
  test(`${who}: no endpoint gives a group admin elder data`, async () => {
    for (const path of ['/api/sync/pull?cursor=0', '/api/elders', `/api/elders/${registry[0].id}`, '/api/due', '/api/conflicts']) {
      const res = await request('GET', path, { cookie: sessions[who] });
      assertRefusedWithoutData(res, who, path);
    }
    for (const path of ['/api/me', '/api/groups', '/api/people']) {
      const res = await request('GET', path, { cookie: sessions[who] });
      if (res.status !== 200) continue;
      assert.equal(elderIdsIn(res.json).size, 0, `${path}: elder ids`);
      assert.ok(!ID_NUMBER.test(res.text), `${path}: ID number`);
    }
  });
}
