// Error shapes and the registry's validation: 400/404/405/413/422/409, nothing changes on error.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf } from './helpers.mjs';

let coord;

before(async () => {
  await seed();
  coord = await login('coord');
});

test('unknown API paths are 404 and wrong methods 405, both with the error shape', async () => {
  const missing = await request('GET', '/api/nope', { cookie: coord.cookie });
  assert.equal(missing.status, 404);
  assert.equal(errorOf(missing).code, 'not_found');
  const method = await request('DELETE', '/api/elders', { cookie: coord.cookie });
  assert.equal(method.status, 405);
  assert.equal(errorOf(method).code, 'method_not_allowed');
});

test('bodies over 1 MiB are 413', async () => {
  const huge = JSON.stringify({ client_id: 'x', mutations: [], pad: 'x'.repeat(1024 * 1024 + 10) });
  const res = await request('POST', '/api/sync/push', { cookie: coord.cookie, rawBody: huge });
  assert.equal(res.status, 413);
  assert.equal(errorOf(res).code, 'payload_too_large');
});

test('malformed JSON is 400, a wrong type is 422 naming the field', async () => {
  const bad = await request('POST', '/api/sync/push', { cookie: coord.cookie, rawBody: '{"client_id": "x", "mutations": [' });
  assert.equal(bad.status, 400);
  const wrongType = await request('POST', '/api/sync/push', { cookie: coord.cookie, body: { client_id: 'x', mutations: 'none' } });
  assert.equal(wrongType.status, 422);
  assert.equal(errorOf(wrongType).field, 'mutations');
  const badCursor = await request('GET', '/api/sync/pull?cursor=abc', { cookie: coord.cookie });
  assert.equal(badCursor.status, 422);
  assert.equal(errorOf(badCursor).field, 'cursor');
});

function newElder(overrides = {}) {
  return {
    name: '测试老人',
    sex: 'female',
    birth_date: '1940-05-06',
    address: { region_code: '120101001001', city: '天津市', district: '和平区', street: '劝业场街道', community: '新津社区', detail: '测试路1号' },
    phone: '13800138000',
    emergency_contacts: [{ kind: 'child', name: '测试子女', relation: '女儿', phone: '13900139000' }],
    categories: ['living_alone'],
    capability: 'intact',
    consent: 'accepted',
    ...overrides,
  };
}

test('creating an elder validates with the domain and names the field', async () => {
  const badId = await request('POST', '/api/elders', { cookie: coord.cookie, body: newElder({ id_number: '120101194005060001' }) });
  assert.equal(badId.status, 422);
  assert.equal(errorOf(badId).field, 'id_number');
  const badEnum = await request('POST', '/api/elders', { cookie: coord.cookie, body: newElder({ capability: 'superb' }) });
  assert.equal(badEnum.status, 422);
  assert.equal(errorOf(badEnum).field, 'capability');
  const outside = await request('POST', '/api/elders', { cookie: coord.cookie, body: newElder({ address: { ...newElder().address, region_code: '120101002001' } }) });
  assert.equal(outside.status, 422);
  assert.equal(errorOf(outside).field, 'address.region_code');
  const before = await request('GET', '/api/elders?q=测试老人', { cookie: coord.cookie });
  assert.equal(before.json.total, 0, 'nothing was created by the refused requests');

  const created = await request('POST', '/api/elders', { cookie: coord.cookie, body: newElder() });
  assert.equal(created.status, 201, created.text);
  assert.ok(created.json.tier);
  const duplicate = await request('POST', '/api/elders', { cookie: coord.cookie, body: newElder() });
  assert.equal(duplicate.status, 422);
  assert.equal(errorOf(duplicate).code, 'possible_duplicate');
  const confirmed = await request('POST', '/api/elders?confirm_duplicate=1', { cookie: coord.cookie, body: newElder() });
  assert.equal(confirmed.status, 201);
  const search = await request('GET', '/api/elders?q=cslr', { cookie: coord.cookie });
  assert.equal(search.json.total, 2, 'search by pinyin initials');
});

test('the same ID number cannot get a second file', async () => {
  const file = await request('GET', '/api/elders/elder-003', { cookie: coord.cookie });
  const reveal = await request('POST', '/api/elders/elder-003/reveal', { cookie: coord.cookie, body: { reason: '建档查重' } });
  const idNumber = reveal.json.id_number;
  const res = await request('POST', '/api/elders', { cookie: coord.cookie, body: newElder({ name: '另一人', id_number: idNumber, birth_date: file.json.elder.birth_date, sex: file.json.elder.sex }) });
  assert.equal(res.status, 422);
  assert.equal(errorOf(res).code, 'duplicate_id_number');
});

test('editing a file keeps the masked ID number and bumps field versions', async () => {
  const before = await request('GET', '/api/elders/elder-004', { cookie: coord.cookie });
  const file = { ...before.json.elder, phone: '13700001111', base_versions: before.json.field_versions };
  const res = await request('PUT', '/api/elders/elder-004', { cookie: coord.cookie, body: file });
  assert.equal(res.status, 200, res.text);
  const after = await request('GET', '/api/elders/elder-004', { cookie: coord.cookie });
  assert.equal(after.json.elder.phone, '13700001111');
  assert.equal(after.json.elder.id_number, before.json.elder.id_number);
  assert.equal(after.json.field_versions.phone, (before.json.field_versions.phone || 0) + 1);
  const stale = await request('PUT', '/api/elders/elder-004', { cookie: coord.cookie, body: { ...before.json.elder, phone: '13700002222', base_versions: before.json.field_versions } });
  assert.equal(stale.status, 409);
  assert.equal(errorOf(stale).code, 'edit_conflict');
});

test('monthly stats come from the tallies and move with a visit', async () => {
  const month = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
  const stats = await request('GET', `/api/stats/monthly?month=${month}`, { cookie: coord.cookie });
  assert.equal(stats.status, 200, stats.text);
  const report = stats.json.report;
  assert.ok(report.in_scope > 0);
  assert.ok(stats.json.updated_at > 0);
  const due = await request('GET', '/api/due', { cookie: coord.cookie });
  assert.equal(due.status, 200);
  assert.ok(due.json.total > 0);
  const unvisited = due.json.items.find((i) => i.status.done === 0 && i.status.requirement.per === 'month');
  assert.ok(unvisited, 'someone is due this month');
  const coordPush = await request('POST', '/api/sync/push', { cookie: coord.cookie, body: { client_id: `stats-${Date.now()}`, mutations: [
    { seq: 1, kind: 'visit.create', payload: { id: `stats-visit-${Date.now()}`, elder_id: unvisited.elder_id, date: new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10), mode: 'home' } },
  ] } });
  assert.equal(coordPush.status, 200, coordPush.text);
  const after = await request('GET', `/api/stats/monthly?month=${month}`, { cookie: coord.cookie });
  assert.ok(after.json.report.visited >= report.visited + 1);
});

test('the CSV export masks ID numbers and is audited', async () => {
  const res = await fetch(`${(process.env.TANFANG_BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '')}/api/elders/export`, { headers: { cookie: coord.cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/csv/);
  const text = await res.text();
  assert.ok(text.split('\n').length > 50);
  assert.ok(!/\d{17}[\dX]/.test(text), 'no full ID number in an export');
  const admin = await login('admin');
  const audit = await request('GET', '/api/audit?action=elder.export', { cookie: admin.cookie });
  assert.ok(audit.json.entries.some((e) => e.actor_id === 'acc-coord'));
});
