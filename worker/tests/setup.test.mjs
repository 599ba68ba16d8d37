// First administrator of a new deployment: POST /api/setup/first-admin with the SETUP_TOKEN
// secret (the test server runs with SETUP_TOKEN=tanfang-test-setup-token, see xtask). Works only
// while no admin exists. This file empties the database once (dev seed with reset+empty) and seeds the
// demo data again at the end, so the files after it start from the demo data set.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, seed, login } from './helpers.mjs';

const TOKEN = 'tanfang-test-setup-token';
const first = (body, token = TOKEN) =>
  request('POST', '/api/setup/first-admin', {
    body,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
const good = { login: 'root-admin', name: '首任管理员', password: 'a-long-setup-password' };

after(async () => {
  const res = await request('POST', '/api/dev/seed?reset=1');
  assert.equal(res.status, 200);
});

test('refused without the token or with a wrong one, and nothing is created', async () => {
  await seed();
  assert.equal((await first(good, null)).status, 401);
  assert.equal((await first(good, 'wrong-token')).status, 401);
  await assert.rejects(login('root-admin', good.password), /login root-admin failed: 401/);
});

test('refused while an admin exists (the demo data set has one)', async () => {
  await seed();
  const res = await first(good);
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, 'admin_exists');
});

test('creates the first admin on an empty database, once; bad fields are named', async () => {
  const wipe = await request('POST', '/api/dev/seed?reset=1&empty=1');
  assert.equal(wipe.status, 200);
  assert.equal((await request('POST', '/api/auth/login', { body: { login: 'admin', password: 'tanfang-demo-1' } })).status, 401);
  assert.equal((await first({ ...good, password: 'short' })).json.error.field, 'password');
  assert.equal((await first({ ...good, login: 'x' })).json.error.field, 'login');
  assert.equal((await first({ ...good, name: ' ' })).json.error.field, 'name');
  const created = await first(good);
  assert.equal(created.status, 201);
  assert.equal(created.json.role, 'admin');
  const session = await login('root-admin', good.password);
  assert.equal(session.user.role, 'admin');
  assert.equal((await first({ ...good, login: 'second-admin' })).status, 409);
});
