// GET /api/due: the due board's compact answer (format=rows, what the console reads) against
// the full answer, and the stored classification facts (elders.facts, kept by triggers of
// migration 0130) following every write of a file, so the board never classifies an old file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request, login, seed } from './helpers.mjs';

// domain::sync::DUE_BOARD_COLUMNS; the console refuses an answer with other columns.
const COLUMNS = ['elder_id', 'name', 'community', 'responsible', 'tier', 'kind', 'mode', 'count', 'per', 'done',
  'next_due_by', 'overdue', 'surge', 'last_visit_date'];

async function board(cookie, query = '') {
  const full = await request('GET', `/api/due?limit=5000${query}`, { cookie });
  assert.equal(full.status, 200, full.text);
  const compact = await request('GET', `/api/due?limit=5000&format=rows${query}`, { cookie });
  assert.equal(compact.status, 200, compact.text);
  return { full: full.json, compact: compact.json };
}

test('the compact board is the full board, item for item and in the same order', async () => {
  await seed();
  const { cookie } = await login('district');
  const { full, compact } = await board(cookie);
  assert.deepEqual(compact.columns, COLUMNS);
  assert.equal(compact.today, full.today);
  assert.equal(compact.total, full.total);
  assert.ok(full.items.length > 100, `${full.items.length} due items`);
  assert.equal(compact.rows.length, full.items.length);
  assert.ok(full.items.some((i) => i.status.overdue) && full.items.some((i) => !i.status.overdue));
  assert.ok(full.items.some((i) => i.last_visit_date) && full.items.some((i) => i.responsible_name));
  compact.rows.forEach((row, n) => {
    const r = Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]]));
    const item = full.items[n];
    const status = item.status;
    assert.deepEqual(r, {
      elder_id: item.elder_id,
      name: item.name,
      community: item.community,
      responsible: item.responsible_name,
      tier: item.tier,
      kind: status.requirement.kind,
      mode: status.requirement.mode,
      count: status.requirement.count,
      per: status.requirement.per,
      done: status.done,
      next_due_by: status.next_due_by,
      overdue: status.overdue ? 1 : 0,
      surge: status.surge ?? null,
      last_visit_date: item.last_visit_date,
    }, `item ${n}`);
    assert.equal(status.state, 'due');
  });
  assert.deepEqual(compact.declined, full.declined);
  assert.ok(full.declined.length > 0);
  // The limit keeps the most urgent first in both forms.
  const few = await request('GET', '/api/due?limit=7&format=rows', { cookie });
  assert.deepEqual(few.json.rows, compact.rows.slice(0, 7));
  assert.equal(few.json.total, compact.total);
  // The board's first page (declined=count) counts the elders who declined instead of naming them.
  const first = await request('GET', '/api/due?limit=7&format=rows&declined=count', { cookie });
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.json.rows, compact.rows.slice(0, 7));
  assert.equal(first.json.total, compact.total);
  assert.equal(first.json.declined, undefined);
  assert.equal(first.json.declined_count, full.declined.length);
  assert.ok(first.text.length < few.text.length, `${first.text.length} < ${few.text.length} bytes`);
});

test('the board classifies the file as it is now: an edit that changes the tier shows at once', async () => {
  await seed();
  const { cookie } = await login('district');
  const before = (await board(cookie)).compact;
  // An elder due in the general tier with no visit yet this period: after the edit below the
  // domain puts them in a tier that wants more, so they stay on the board, in the new tier.
  const candidates = [...new Set(before.rows.filter((row) => row[4] === 'general' && row[9] === 0).map((row) => row[0]))];
  assert.ok(candidates.length > 0, 'a general-tier elder is due');
  let changed = null;
  for (const id of candidates.slice(0, 10)) {
    const file = await request('GET', `/api/elders/${id}`, { cookie });
    assert.equal(file.status, 200, file.text);
    const edited = { ...file.json.elder, capability: 'total', bedridden: true, base_versions: file.json.field_versions };
    const saved = await request('PUT', `/api/elders/${id}`, { cookie, body: edited });
    assert.equal(saved.status, 200, saved.text);
    if (saved.json.tier && saved.json.tier !== 'general') {
      changed = { id, tier: saved.json.tier };
      break;
    }
  }
  assert.ok(changed, 'an edit moved an elder out of the general tier');
  const { full, compact } = await board(cookie);
  const rows = compact.rows.filter((row) => row[0] === changed.id);
  assert.ok(rows.length > 0, 'still due');
  // The tier the registry derived on save is the one the board classifies from the stored facts.
  for (const row of rows) assert.equal(row[4], changed.tier);
  for (const item of full.items.filter((i) => i.elder_id === changed.id)) assert.equal(item.tier, changed.tier);
});

test('a visit pushed from a phone takes the elder off the board for this period', async () => {
  await seed();
  const { cookie } = await login('coord');
  const before = (await board(cookie)).compact;
  const row = before.rows.find((r) => r[5] === 'visit' && r[6] === 'any' && r[7] === 1 && r[9] === 0);
  assert.ok(row, 'an elder due one visit of any mode');
  const today = before.today;
  const push = await request('POST', '/api/sync/push', { cookie, body: { client_id: `due-board-${Date.now()}`, mutations: [
    { seq: 1, kind: 'visit.create', payload: { id: `due-board-visit-${Date.now()}`, elder_id: row[0], date: today, mode: 'phone' } },
  ] } });
  assert.equal(push.status, 200, push.text);
  const after = (await board(cookie)).compact;
  assert.ok(!after.rows.some((r) => r[0] === row[0] && r[5] === 'visit' && r[6] === 'any' && r[8] === row[8]),
    'the requirement is met');
  assert.ok(after.total < before.total, `${after.total} < ${before.total}`);
});
