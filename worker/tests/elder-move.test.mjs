// A coordinator moving one elder's file to another community by hand (PUT /api/elders/:id)
// takes it off the phones of those who no longer see it there — as an import's move does:
// a removal for each, the responsible visitor's assignment ended, the new community's
// coordinator gets the file on the next pull.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request } from './helpers.mjs';

const XINJIN = '120101001001';
const LANTIAN = '120101002001';
const RUN = Date.now() % 100000;
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

async function pull(cookie, cursor = 0) {
  const res = await request('GET', `/api/sync/pull?cursor=${cursor}`, { cookie });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test('an elder moved to another community by a coordinator leaves the phones outside it', async () => {
  await seed();
  const { cookie: district } = await login('district'); // 和平区: governs 新津 and 蓝天
  const { cookie: volunteer5 } = await login('volunteer5'); // 新津
  const { cookie: volunteer3 } = await login('volunteer3'); // 蓝天
  const { cookie: coord } = await login('coord'); // 新津 only
  const { cookie: coord2 } = await login('coord2'); // 蓝天 only
  const name = `迁${[...String(RUN).padStart(5, '0')].map((d) => DIGITS[Number(d)]).join('')}`;
  const created = await request('POST', '/api/elders', {
    cookie: district,
    body: {
      name, sex: 'male', birth_date: '1941-03-04',
      address: { region_code: XINJIN, city: '天津市', district: '和平区', street: '劝业场街道', community: '新津社区', detail: '迁移路1号' },
      phone: '13800138001',
      emergency_contacts: [{ kind: 'child', name: '迁移子女', relation: '儿子', phone: '13900139001' }],
      categories: ['living_alone'], capability: 'intact', consent: 'accepted',
    },
  });
  assert.equal(created.status, 201, created.text);
  const elderId = created.json.id;
  const assign = await request('POST', '/api/assignments', {
    cookie: district,
    body: { elder_ids: [elderId], responsible_id: 'acc-volunteer5', backup_id: 'acc-volunteer3' },
  });
  assert.equal(assign.status, 200, assign.text);
  const v5 = await pull(volunteer5);
  const v3 = await pull(volunteer3);
  const c1 = await pull(coord);
  const c2 = await pull(coord2);
  assert.ok(v5.elders.some((e) => e.id === elderId), 'volunteer5 has the elder before the move');
  assert.ok(v3.elders.some((e) => e.id === elderId), 'volunteer3 (backup) has it too');
  assert.ok(c1.elders.some((e) => e.id === elderId));
  assert.ok(!c2.elders.some((e) => e.id === elderId));

  // The district coordinator edits the address: 新津 → 蓝天.
  const file = await request('GET', `/api/elders/${elderId}`, { cookie: district });
  assert.equal(file.status, 200, file.text);
  const edited = {
    ...file.json.elder,
    address: { ...file.json.elder.address, region_code: LANTIAN, community: '蓝天社区' },
    base_versions: file.json.field_versions,
  };
  const saved = await request('PUT', `/api/elders/${elderId}`, { cookie: district, body: edited });
  assert.equal(saved.status, 200, saved.text);

  // 新津's volunteer and coordinator lose it; 蓝天's keep or get it.
  const v5next = await pull(volunteer5, v5.cursor);
  assert.deepEqual(v5next.removals, [elderId]);
  assert.ok(!(await pull(volunteer5)).elders.some((e) => e.id === elderId), 'not in a full pull either');
  const v3next = await pull(volunteer3, v3.cursor);
  assert.ok(!v3next.removals.includes(elderId));
  assert.equal(v3next.elders.find((e) => e.id === elderId)?.my_role, 'backup');
  assert.ok((await pull(coord, c1.cursor)).removals.includes(elderId));
  assert.ok((await pull(coord2, c2.cursor)).elders.some((e) => e.id === elderId));
  // The registry: in 蓝天, no responsible visitor, the 蓝天 backup kept.
  const after = await request('GET', `/api/elders?page_size=5&q=${encodeURIComponent(name)}`, { cookie: district });
  assert.equal(after.json.items.length, 1);
  assert.equal(after.json.items[0].region_code, LANTIAN);
  assert.equal(after.json.items[0].responsible, null);
  assert.equal(after.json.items[0].backup?.id, 'acc-volunteer3');
  // An edit that keeps the community sends no removal.
  const again = await request('GET', `/api/elders/${elderId}`, { cookie: district });
  const note = await request('PUT', `/api/elders/${elderId}`, {
    cookie: district,
    body: { ...again.json.elder, phone: '13800138002', base_versions: again.json.field_versions },
  });
  assert.equal(note.status, 200, note.text);
  assert.ok(!(await pull(volunteer3, v3next.cursor)).removals.includes(elderId));
});
