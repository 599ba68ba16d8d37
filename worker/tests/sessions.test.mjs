// Signed-in devices (issue 17): my sessions, signing out one or all others, and a coordinator
// ending a volunteer's sessions (a lost phone), in scope and audited.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf, freshIp, PASSWORD } from './helpers.mjs';

before(async () => {
  await seed();
});

async function loginWith(name, userAgent) {
  const res = await request('POST', '/api/auth/login', {
    body: { login: name, password: PASSWORD },
    headers: { 'cf-connecting-ip': freshIp(), 'user-agent': userAgent },
  });
  assert.equal(res.status, 200, res.text);
  return res.headers.get('set-cookie').split(';')[0];
}

const WECHAT =
  'Mozilla/5.0 (Linux; Android 12; V2134A) AppleWebKit/537.36 Chrome/107 Mobile Safari/537.36 MicroMessenger/8.0.44';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126 Safari/537.36';

test('I see my signed-in devices, this one marked, and sign out one and then all others', async () => {
  const phone = await loginWith('volunteer6', WECHAT);
  const desk = await loginWith('volunteer6', DESKTOP);
  const third = await loginWith('volunteer6', DESKTOP);
  const listed = await request('GET', '/api/auth/sessions', { cookie: desk });
  assert.equal(listed.status, 200, listed.text);
  const sessions = listed.json.sessions;
  assert.ok(sessions.length >= 3);
  const current = sessions.filter((s) => s.current);
  assert.equal(current.length, 1);
  assert.equal(current[0].device, 'Chrome · Windows');
  assert.ok(sessions.some((s) => s.device === '微信 WeChat · Android'));
  for (const s of sessions) {
    assert.match(s.id, /^[0-9a-f]{16}$/);
    assert.ok(s.created_at > 0 && s.last_seen_at >= s.created_at);
    assert.equal(s.method, 'password');
  }
  assert.ok(!listed.text.includes(desk.split('=')[1]), 'the token itself is never listed');

  const wechat = sessions.find((s) => s.device.startsWith('微信'));
  const ended = await request('POST', `/api/auth/sessions/${wechat.id}/end`, { cookie: desk });
  assert.equal(ended.status, 200, ended.text);
  assert.equal((await request('GET', '/api/me', { cookie: phone })).status, 401);
  assert.equal((await request('GET', '/api/me', { cookie: third })).status, 200);

  const others = await request('POST', '/api/auth/sessions/end-others', { cookie: desk });
  assert.equal(others.status, 200);
  assert.ok(others.json.ended >= 1);
  assert.equal((await request('GET', '/api/me', { cookie: third })).status, 401);
  assert.equal((await request('GET', '/api/me', { cookie: desk })).status, 200, 'this device stays');
  const after = await request('GET', '/api/auth/sessions', { cookie: desk });
  assert.equal(after.json.sessions.length, 1);
});

test("someone else's session id is not found", async () => {
  const mine = await loginWith('volunteer4', DESKTOP);
  const theirs = await loginWith('volunteer2', DESKTOP);
  const [their] = (await request('GET', '/api/auth/sessions', { cookie: theirs })).json.sessions;
  const res = await request('POST', `/api/auth/sessions/${their.id}/end`, { cookie: mine });
  assert.equal(res.status, 404);
  assert.equal((await request('GET', '/api/me', { cookie: theirs })).status, 200);
});

test("a coordinator ends a volunteer's sessions: 401 session_ended_remotely, audited, in scope only", async () => {
  const phone = await loginWith('volunteer1', WECHAT);
  const coord = await login('coord');
  const coord2 = await login('coord2');
  const volunteerId = (await request('GET', '/api/me', { cookie: phone })).json.user.id;

  const outside = await request('POST', `/api/people/${volunteerId}/sessions/end`, { cookie: coord2.cookie });
  assert.equal(outside.status, 404, 'a coordinator of another community cannot');
  const self = await loginWith('volunteer2', DESKTOP);
  const byVolunteer = await request('POST', `/api/people/${volunteerId}/sessions/end`, { cookie: self });
  assert.equal(byVolunteer.status, 403);
  assert.equal((await request('GET', '/api/me', { cookie: phone })).status, 200);

  const ended = await request('POST', `/api/people/${volunteerId}/sessions/end`, { cookie: coord.cookie });
  assert.equal(ended.status, 200, ended.text);
  assert.ok(ended.json.ended >= 1);
  const next = await request('GET', '/api/sync/pull', { cookie: phone });
  assert.equal(next.status, 401);
  assert.equal(errorOf(next).code, 'session_ended_remotely');

  const admin = await login('admin');
  const audit = await request('GET', '/api/audit', { cookie: admin.cookie });
  assert.equal(audit.status, 200);
  const entries = audit.json.entries ?? audit.json.audit ?? audit.json;
  assert.ok(
    JSON.stringify(entries).includes('sessions_ended_by_coordinator'),
    'the coordinator’s action is in the audit log',
  );
  // An ordinary log-out is still plain 401.
  const again = await loginWith('volunteer1', WECHAT);
  await request('POST', '/api/auth/logout', { cookie: again });
  assert.equal(errorOf(await request('GET', '/api/me', { cookie: again })).code, 'unauthenticated');
});
