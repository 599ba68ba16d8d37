// Every role × every endpoint, from one table: allowed, refused, and no data in a refusal.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request } from './helpers.mjs';

const ROLES = ['anonymous', 'volunteer1', 'student1', 'group1', 'coord', 'coord2', 'district', 'admin'];
const sessions = {};

before(async () => {
  await seed();
  for (const role of ROLES) {
    sessions[role] = role === 'anonymous' ? null : (await login(role)).cookie;
  }
});

const month = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

// [method, path, body, expected status per role in ROLES order]
//                                               anon vol  stu  grp  coord coord2 district admin
const TABLE = [
  ['GET', '/api/me', undefined,                   [401, 200, 200, 200, 200, 200, 200, 200]],
  ['GET', '/api/sync/pull', undefined,            [401, 200, 200, 403, 200, 200, 200, 200]],
  ['POST', '/api/sync/push', { client_id: 'roles', mutations: [] },
                                                  [401, 200, 200, 403, 200, 200, 200, 200]],
  ['GET', '/api/elders', undefined,               [401, 403, 403, 403, 200, 200, 200, 200]],
  ['GET', '/api/elders/elder-001', undefined,     [401, 403, 403, 403, 200, 404, 200, 200]],
  ['POST', '/api/elders/elder-001/reveal', { reason: '核实身份 (roles test)' },
                                                  [401, 403, 403, 403, 200, 404, 200, 200]],
  ['GET', '/api/regions', undefined,              [401, 403, 403, 403, 200, 200, 200, 200]],
  ['GET', '/api/people', undefined,               [401, 403, 403, 200, 200, 200, 200, 200]],
  ['GET', '/api/groups', undefined,               [401, 403, 403, 200, 200, 200, 200, 200]],
  ['POST', '/api/assignments', { elder_ids: ['elder-149'], responsible_id: 'acc-volunteer3' },
                                                  [401, 403, 403, 403, 404, 200, 200, 200]],
  ['GET', '/api/due', undefined,                  [401, 403, 403, 403, 200, 200, 200, 200]],
  ['GET', `/api/stats/monthly?month=${month}`, undefined,
                                                  [401, 403, 403, 403, 200, 200, 200, 200]],
  ['GET', `/api/stats/monthly?region=120101002001&month=${month}`, undefined,
                                                  [401, 403, 403, 403, 403, 200, 200, 200]],
  ['GET', '/api/surges', undefined,               [401, 403, 403, 403, 200, 200, 200, 200]],
  ['POST', '/api/surges', { region_code: '120101002001', title: '寒潮', start_date: today, end_date: today,
                            requirement: { kind: 'visit', mode: 'any', count: 1, per: 'week' } },
                                                  [401, 403, 403, 403, 403, 201, 201, 201]],
  ['POST', '/api/surges', { region_code: '120101002001', title: '寒潮', start_date: today, end_date: today,
                            requirement: { kind: 'visit', mode: 'phone_or_home', count: 1, per: 'week' } },
                                                  [401, 403, 403, 403, 422, 422, 422, 422]],
  ['GET', '/api/conflicts', undefined,            [401, 403, 403, 403, 200, 200, 200, 200]],
  ['GET', '/api/audit', undefined,                [401, 403, 403, 403, 403, 403, 403, 200]],
  ['POST', '/api/people/acc-member1/disable', undefined,
                                                  [401, 403, 403, 403, 'skip', 404, 'skip', 'skip']],
];

for (const [method, path, body, expected] of TABLE) {
  ROLES.forEach((role, index) => {
    const want = expected[index];
    if (want === 'skip') return;
    test(`${role} ${method} ${path} → ${want}`, async () => {
      const res = await request(method, path, { cookie: sessions[role], body });
      assert.equal(res.status, want, res.text.slice(0, 300));
      if (want >= 400) {
        // A refusal carries the error object and nothing else.
        assert.deepEqual(Object.keys(res.json), ['error']);
        assert.deepEqual(Object.keys(res.json.error).sort().filter((k) => k !== 'expected_seq'), ['code', 'field', 'message']);
        assert.ok(!/elder-\d/.test(res.text), 'no elder ids in a refusal');
        assert.ok(!/\d{17}[\dX]/.test(res.text), 'no ID numbers in a refusal');
      }
    });
  });
}

test('a group admin sees its group, members and pairing but no elder personal data', async () => {
  const res = await request('GET', '/api/groups', { cookie: sessions.group1 });
  assert.equal(res.status, 200);
  assert.equal(res.json.groups.length, 1);
  assert.equal(res.json.groups[0].paired_region.code, '120101001001');
  assert.ok(res.json.members.some((m) => m.login === 'member1'));
  assert.ok(!/elder-\d/.test(res.text));
  assert.ok(!/\d{17}[\dX]/.test(res.text));
});

test('coordinators see masked ID numbers; reveal is audited', async () => {
  const file = await request('GET', '/api/elders/elder-001', { cookie: sessions.coord });
  assert.match(file.json.elder.id_number, /^\d{6}\*{8}\d{3}[\dX]$/);
  const list = await request('GET', '/api/elders?page_size=5', { cookie: sessions.coord });
  for (const item of list.json.items) {
    if (item.id_number_masked !== null) assert.match(item.id_number_masked, /^\d{6}\*{8}\d{3}[\dX]$/);
    assert.ok(!('id_number' in item));
  }
  assert.ok(list.json.items.some((item) => item.id_number_masked !== null));
  const noReason = await request('POST', '/api/elders/elder-001/reveal', { cookie: sessions.coord, body: { reason: '' } });
  assert.equal(noReason.status, 422);
  assert.equal(noReason.json.error.field, 'reason');
  const reveal = await request('POST', '/api/elders/elder-001/reveal', { cookie: sessions.coord, body: { reason: '核对低保材料' } });
  assert.match(reveal.json.id_number, /^\d{17}[\dX]$/);
  const audit = await request('GET', '/api/audit?action=elder.reveal', { cookie: sessions.admin });
  assert.ok(audit.json.entries.some((e) => e.actor_id === 'acc-coord' && e.target === 'elder-001' && e.detail.reason === '核对低保材料'));
  const reads = await request('GET', '/api/audit?action=elder.read', { cookie: sessions.admin });
  assert.ok(reads.json.entries.some((e) => e.actor_id === 'acc-coord' && e.target === 'elder-001'));
});

test('a community coordinator only lists elders of their community', async () => {
  const res = await request('GET', '/api/elders?page_size=500', { cookie: sessions.coord });
  assert.ok(res.json.total >= 50); // 50 seeded (+ files created by other tests)
  assert.ok(res.json.items.every((e) => e.region_code === '120101001001'));
  const district = await request('GET', '/api/elders?page_size=1', { cookie: sessions.district });
  assert.ok(district.json.total >= 200);
});
