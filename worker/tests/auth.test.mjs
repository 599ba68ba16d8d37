// Log-in, log-out, cookie flags, session revocation (log-out and disabling), rate limiting.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf, freshIp, PASSWORD } from './helpers.mjs';

before(async () => {
  await seed();
});

test('log-in sets an HttpOnly Secure SameSite=Lax session cookie and returns the user', async () => {
  const { setCookie, user, cookie } = await login('volunteer1');
  assert.match(setCookie, /^tanfang_session=[0-9a-f]{64};/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /Secure/);
  assert.match(setCookie, /SameSite=Lax/);
  assert.match(setCookie, /Path=\//);
  assert.equal(user.role, 'volunteer');
  assert.equal(user.login, 'volunteer1');
  assert.equal(user.region.code, '120101001001');
  const me = await request('GET', '/api/me', { cookie });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.id, user.id);
});

test('student accounts carry school, class and student number', async () => {
  const { user } = await login('student1');
  assert.equal(user.volunteer_kind, 'student');
  assert.ok(user.school && user.class_name && user.student_number);
});

test('no cookie, a bad cookie or a logged-out cookie is 401', async () => {
  const none = await request('GET', '/api/me');
  assert.equal(none.status, 401);
  assert.equal(errorOf(none).code, 'unauthenticated');
  const bad = await request('GET', '/api/me', { cookie: 'tanfang_session=' + 'ab'.repeat(32) });
  assert.equal(bad.status, 401);
  const { cookie } = await login('volunteer2');
  const out = await request('POST', '/api/auth/logout', { cookie });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie'), /Max-Age=0/);
  const after = await request('GET', '/api/me', { cookie });
  assert.equal(after.status, 401, 'the session is revoked on the server, not only in the browser');
});

test('wrong password and unknown login give the same 401 without saying which', async () => {
  const ip = freshIp();
  const wrong = await request('POST', '/api/auth/login', {
    body: { login: 'volunteer3', password: 'nope' },
    headers: { 'cf-connecting-ip': ip },
  });
  const unknown = await request('POST', '/api/auth/login', {
    body: { login: 'no-such-user', password: 'nope' },
    headers: { 'cf-connecting-ip': ip },
  });
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.deepEqual(errorOf(wrong), errorOf(unknown));
  assert.equal(wrong.headers.get('set-cookie'), null);
});

test('missing fields are 422 naming the field; malformed JSON is 400', async () => {
  const missing = await request('POST', '/api/auth/login', { body: { login: 'volunteer1' } });
  assert.equal(missing.status, 422);
  assert.equal(errorOf(missing).field, 'password');
  const malformed = await request('POST', '/api/auth/login', { rawBody: '{"login": ' });
  assert.equal(malformed.status, 400);
  assert.equal(errorOf(malformed).code, 'bad_request');
});

test('disabling an account revokes its sessions at once and blocks log-in', async () => {
  const volunteer = await login('volunteer5');
  const admin = await login('admin');
  assert.equal((await request('GET', '/api/me', { cookie: volunteer.cookie })).status, 200);
  const disable = await request('POST', `/api/people/${volunteer.user.id}/disable`, { cookie: admin.cookie });
  assert.equal(disable.status, 200);
  assert.equal((await request('GET', '/api/me', { cookie: volunteer.cookie })).status, 401);
  const again = await request('POST', '/api/auth/login', {
    body: { login: 'volunteer5', password: PASSWORD },
    headers: { 'cf-connecting-ip': freshIp() },
  });
  assert.equal(again.status, 401);
  const enable = await request('POST', `/api/people/${volunteer.user.id}/enable`, { cookie: admin.cookie });
  assert.equal(enable.status, 200);
  await login('volunteer5');
});

test('failed log-ins are rate limited per account with 429 and Retry-After', async () => {
  const target = `ghost-${process.pid}-${Date.now()}`;
  const statuses = [];
  let last;
  for (let i = 0; i < 6; i++) {
    last = await request('POST', '/api/auth/login', {
      body: { login: target, password: 'wrong' },
      headers: { 'cf-connecting-ip': freshIp() },
    });
    statuses.push(last.status);
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  assert.equal(errorOf(last).code, 'rate_limited');
  assert.ok(Number(last.headers.get('retry-after')) > 0);
});

test('failed log-ins are rate limited per client address', async () => {
  const ip = freshIp();
  let last;
  for (let i = 0; i < 21; i++) {
    last = await request('POST', '/api/auth/login', {
      body: { login: `ipprobe-${i}-${Date.now()}`, password: 'wrong' },
      headers: { 'cf-connecting-ip': ip },
    });
  }
  assert.equal(last.status, 429);
  assert.ok(Number(last.headers.get('retry-after')) > 0);
  // Even the right password from that address waits; other addresses are unaffected.
  const blocked = await request('POST', '/api/auth/login', {
    body: { login: 'volunteer1', password: PASSWORD },
    headers: { 'cf-connecting-ip': ip },
  });
  assert.equal(blocked.status, 429);
  await login('volunteer1');
});

test('log-ins are audited', async () => {
  await login('coord');
  const admin = await login('admin');
  const audit = await request('GET', '/api/audit?action=login', { cookie: admin.cookie });
  assert.equal(audit.status, 200);
  assert.ok(audit.json.entries.some((e) => e.actor_id === 'acc-coord'));
});
