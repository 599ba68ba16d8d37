// GET /api/elders/index: the registry's compact list of a coordinator's whole scope (issue 6),
// and the due board / dashboard reads that were made cheaper for 20,000–100,000 elders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, login, seed } from './helpers.mjs';

const XINJIN = '120101001001';
const LANTIAN = '120101002001';
const HEPING = '120101000000';

async function index(cookie, query = '') {
  const res = await request('GET', `/api/elders/index${query}`, { cookie });
  assert.equal(res.status, 200, res.text);
  const { columns, rows, total, today } = res.json;
  assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(rows.length, total);
  // Rows as objects by column name.
  return { text: res.text, rows: rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))) };
}

test('the index lists every elder of the scope in the paged list order, ID numbers masked', async () => {
  await seed();
  const { cookie } = await login('district');
  const { text, rows } = await index(cookie);
  const list = await request('GET', '/api/elders?page_size=500', { cookie });
  assert.equal(list.status, 200);
  assert.equal(rows.length, list.json.total);
  assert.ok(rows.length >= 200);
  // Same order as the server's paged list (region, pinyin, id) for the first 500.
  assert.deepEqual(rows.slice(0, 500).map((r) => r.id), list.json.items.map((i) => i.id));
  const byId = new Map(list.json.items.map((item) => [item.id, item]));
  for (const row of rows.slice(0, 500)) {
    const item = byId.get(row.id);
    assert.equal(row.name, item.name);
    assert.equal(row.region_code, item.region_code);
    assert.equal(row.community, item.community);
    assert.equal(row.address, item.address);
    assert.deepEqual(row.categories, item.categories);
    assert.equal(row.tier, item.tier);
    assert.equal(row.consent, item.consent);
    assert.equal(row.birth_date, item.birth_date);
    assert.equal(row.last_visit_date, item.last_visit_date);
    assert.equal(row.responsible, item.responsible ? item.responsible.name ?? '' : null);
    assert.equal(row.in_scope === 1, item.in_scope);
    // Masked exactly as the paged list masks (views::mask_id_number).
    assert.equal(row.id_number_masked, item.id_number_masked);
  }
  const masked = rows.filter((r) => r.id_number_masked);
  assert.ok(masked.length > 0);
  for (const r of masked) assert.match(r.id_number_masked, /^\d{6}\*{8}\d{3}[\dX]$/);
  // No full ID number anywhere in the answer.
  assert.doesNotMatch(text, /\d{17}[\dX]/);
  // The search key is precomputed for the browser's pinyin search.
  for (const r of rows) assert.ok(r.search_key.length > 0, r.name);
});

test('the index is scoped: a community coordinator gets only their community, never another', async () => {
  await seed();
  const { cookie } = await login('coord');
  const { rows } = await index(cookie);
  assert.ok(rows.length >= 50);
  for (const r of rows) assert.equal(r.region_code, XINJIN);
  const other = await request('GET', `/api/elders/index?region=${LANTIAN}`, { cookie });
  assert.equal(other.status, 403);
  const volunteer = await login('volunteer1');
  const denied = await request('GET', '/api/elders/index', { cookie: volunteer.cookie });
  assert.equal(denied.status, 403);
  const anonymous = await request('GET', '/api/elders/index');
  assert.equal(anonymous.status, 401);
  // A region inside the scope narrows it.
  const district = await login('district');
  const { rows: lantian } = await index(district.cookie, `?region=${LANTIAN}`);
  assert.ok(lantian.length >= 50);
  for (const r of lantian) assert.equal(r.region_code, LANTIAN);
});

test('the due board classifies from the facts alone exactly as the stored files were classified', async () => {
  await seed();
  const { cookie } = await login('district');
  const { rows } = await index(cookie);
  const tierOf = new Map(rows.map((r) => [r.id, r.tier]));
  const due = await request('GET', '/api/due?limit=5000', { cookie });
  assert.equal(due.status, 200);
  assert.ok(due.json.items.length > 0);
  for (const item of due.json.items) assert.equal(item.tier, tierOf.get(item.elder_id), item.elder_id);
  // Declined elders are apart, in scope ones are all classified (due or not).
  const declined = new Set(due.json.declined.map((d) => d.id));
  for (const r of rows) if (r.consent === 'declined' && r.in_scope === 1) assert.ok(declined.has(r.id), r.id);
});

test('a month without tally cells is filled from the region tree with the same figures as the elders', async () => {
  await seed();
  const { cookie } = await login('district');
  const { rows } = await index(cookie);
  const inScope = rows.filter((r) => r.in_scope === 1);
  const stats = await request('GET', `/api/stats/monthly?region=${HEPING}&month=2020-01`, { cookie });
  assert.equal(stats.status, 200, stats.text);
  assert.equal(stats.json.report.in_scope, inScope.filter((r) => r.consent !== 'declined').length);
  assert.equal(stats.json.report.declined, inScope.filter((r) => r.consent === 'declined').length);
  assert.equal(stats.json.report.visited, 0);
  // Read again: the same figures from the cells now stored.
  const again = await request('GET', `/api/stats/monthly?region=${HEPING}&month=2020-01`, { cookie });
  assert.deepEqual(again.json.report, stats.json.report);
});
