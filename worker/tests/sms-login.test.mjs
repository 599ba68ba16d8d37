// Sign-in by SMS code (issue 17): one test per limit (each fails without its check), the
// account-probing case, and the coordinators' second factor. Times are crossed with the
// dev-only POST /api/dev/sms/age, codes read with GET /api/dev/sms/last (both DEV_SEED=1 only).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf, freshIp, PASSWORD } from './helpers.mjs';

let mobiles = {};
before(async () => {
  const seeded = await seed();
  mobiles = Object.fromEntries(seeded.logins.map((l) => [l.login, l.mobile]));
});

let counter = 0;
/** A mobile number no account has, unique to this run. */
function freshMobile() {
  counter += 1;
  return `137${String(process.pid % 1000).padStart(3, '0')}${String(counter).padStart(5, '0')}`;
}

const ask = (mobile, ip = freshIp()) =>
  request('POST', '/api/auth/sms/request', { body: { mobile }, headers: { 'cf-connecting-ip': ip } });
const verify = (mobile, code, ip = freshIp(), headers = {}) =>
  request('POST', '/api/auth/sms/verify', {
    body: { mobile, code },
    headers: { 'cf-connecting-ip': ip, ...headers },
  });
async function lastCode(mobile) {
  const res = await request('GET', `/api/dev/sms/last?mobile=${mobile}`);
  assert.equal(res.status, 200, res.text);
  assert.match(res.json.code, /^\d{6}$/);
  return res.json.code;
}
async function age({ mobile, ip }, ms) {
  const res = await request('POST', '/api/dev/sms/age', { body: { mobile, ip, ms } });
  assert.equal(res.status, 200, res.text);
}
const other = (code) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const MINUTE = 60 * 1000;

test('a volunteer signs in with the code: the same session and answer as a password log-in', async () => {
  const mobile = mobiles.volunteer1;
  const asked = await ask(mobile);
  assert.equal(asked.status, 200, asked.text);
  assert.deepEqual(asked.json, { sent: true, resend_after_secs: 60, expires_in_secs: 300 });
  const res = await verify(mobile, await lastCode(mobile), freshIp(), {
    'user-agent': 'Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 Chrome/120 Mobile MicroMessenger/8.0',
  });
  assert.equal(res.status, 200, res.text);
  const setCookie = res.headers.get('set-cookie');
  assert.match(setCookie, /^tanfang_session=[0-9a-f]{64};.*HttpOnly.*Secure.*SameSite=Lax/);
  const byPassword = await login('volunteer1');
  assert.deepEqual(res.json, { user: byPassword.user });
  const me = await request('GET', '/api/me', { cookie: setCookie.split(';')[0] });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.login, 'volunteer1');
});

test('bad input names the field: a landline or malformed mobile, a code that is not 6 digits', async () => {
  const landline = await ask('022-23456789');
  assert.equal(landline.status, 422);
  assert.equal(errorOf(landline).field, 'mobile');
  assert.equal(errorOf(await ask('12345')).field, 'mobile');
  const short = await verify(freshMobile(), '12345');
  assert.equal(short.status, 422);
  assert.equal(errorOf(short).field, 'code');
});

test('limit: a code expires 5 minutes after it was sent', async () => {
  const mobile = mobiles.volunteer2;
  assert.equal((await ask(mobile)).status, 200);
  await age({ mobile }, 5 * MINUTE - 2000);
  assert.equal((await verify(mobile, await lastCode(mobile))).status, 200, 'still valid at 4:58');
  assert.equal((await ask(mobile)).status, 200);
  await age({ mobile }, 5 * MINUTE);
  const late = await verify(mobile, await lastCode(mobile));
  assert.equal(late.status, 422, late.text);
  assert.equal(errorOf(late).code, 'code_expired');
  assert.equal(late.headers.get('set-cookie'), null);
});

test('limit: a code signs in once', async () => {
  const mobile = mobiles.volunteer3;
  assert.equal((await ask(mobile)).status, 200);
  const code = await lastCode(mobile);
  assert.equal((await verify(mobile, code)).status, 200);
  const again = await verify(mobile, code);
  assert.equal(again.status, 422, again.text);
  assert.equal(errorOf(again).code, 'code_used');
  assert.equal(again.headers.get('set-cookie'), null);
});

test('limit: one code per number per 60 s', async () => {
  const mobile = freshMobile();
  assert.equal((await ask(mobile)).status, 200);
  const soon = await ask(mobile);
  assert.equal(soon.status, 429, soon.text);
  assert.equal(errorOf(soon).code, 'rate_limited');
  assert.ok(Number(soon.headers.get('retry-after')) <= 60);
  await age({ mobile }, 59 * 1000);
  assert.equal((await ask(mobile)).status, 429, 'still inside the minute');
  await age({ mobile }, 1000);
  assert.equal((await ask(mobile)).status, 200, 'a minute later');
});

test('limit: at most 10 codes per number per day', async () => {
  const mobile = freshMobile();
  for (let i = 0; i < 10; i++) {
    assert.equal((await ask(mobile)).status, 200, `code ${i + 1}`);
    await age({ mobile }, MINUTE + 1000);
  }
  const eleventh = await ask(mobile);
  assert.equal(eleventh.status, 429, eleventh.text);
  assert.ok(Number(eleventh.headers.get('retry-after')) > 60, 'the day limit, not the minute');
  await age({ mobile }, 24 * 60 * MINUTE);
  assert.equal((await ask(mobile)).status, 200, 'the next day');
});

test('limit: 5 wrong codes lock that code, even against the right one', async () => {
  const mobile = mobiles.volunteer4;
  assert.equal((await ask(mobile)).status, 200);
  const code = await lastCode(mobile);
  for (let i = 1; i <= 4; i++) {
    const wrong = await verify(mobile, other(code));
    assert.equal(wrong.status, 422);
    assert.equal(errorOf(wrong).code, 'code_wrong');
    assert.match(errorOf(wrong).message, new RegExp(`还可尝试${5 - i}次`));
  }
  const fifth = await verify(mobile, other(code));
  assert.equal(errorOf(fifth).code, 'code_locked');
  const right = await verify(mobile, code);
  assert.equal(right.status, 422, right.text);
  assert.equal(errorOf(right).code, 'code_locked');
  // A new code (after the minute) works again.
  await age({ mobile }, MINUTE);
  assert.equal((await ask(mobile)).status, 200);
  assert.equal((await verify(mobile, await lastCode(mobile))).status, 200);
});

test('limit per address: 20 code requests an hour, whatever the numbers', async () => {
  const ip = freshIp();
  for (let i = 0; i < 20; i++) {
    assert.equal((await ask(freshMobile(), ip)).status, 200, `request ${i + 1}`);
  }
  const over = await ask(freshMobile(), ip);
  assert.equal(over.status, 429, over.text);
  assert.equal((await ask(freshMobile(), freshIp())).status, 200, 'another address is not affected');
  await age({ ip }, 60 * MINUTE);
  assert.equal((await ask(freshMobile(), ip)).status, 200, 'an hour later');
});

test('limit per address: 30 wrong codes an hour, then even a right code is refused', async () => {
  const ip = freshIp();
  const mobile = mobiles.student1;
  assert.equal((await ask(mobile)).status, 200);
  const code = await lastCode(mobile);
  for (let i = 0; i < 30; i++) {
    const res = await verify(freshMobile(), '000000', ip);
    assert.equal(res.status, 422, `try ${i + 1}: ${res.text}`);
  }
  const blocked = await verify(mobile, code, ip);
  assert.equal(blocked.status, 429, blocked.text);
  assert.equal((await verify(mobile, code, freshIp())).status, 200, 'from another address it works');
});

test('no account probing: a number with an account and one without get the same answers and work', async () => {
  const ip = freshIp();
  const known = mobiles.member1;
  const unknown = freshMobile();
  const a = await ask(known, ip);
  const b = await ask(unknown, ip);
  const same = (x, y, what) => {
    assert.equal(x.status, y.status, what);
    assert.equal(x.text, y.text, what);
    for (const header of ['x-d1-round-trips', 'x-d1-statements', 'set-cookie', 'content-type']) {
      assert.equal(x.headers.get(header), y.headers.get(header), `${what}: ${header}`);
    }
  };
  same(a, b, 'request');
  // Both numbers really got a text message (the same outbox work).
  const knownCode = await lastCode(known);
  await lastCode(unknown);
  same(await verify(known, other(knownCode), ip), await verify(unknown, '000000', ip), 'wrong code');
  same(await ask(known, ip), await ask(unknown, ip), 'too soon');
  // Only the phone's owner, with the right code, learns there is no account.
  await age({ mobile: unknown }, MINUTE);
  assert.equal((await ask(unknown)).status, 200);
  const owner = await verify(unknown, await lastCode(unknown));
  assert.equal(errorOf(owner).code, 'no_account');
});

test('coordinators keep password sign-in and may add the code as a second factor', async () => {
  const mobile = mobiles.coord2;
  // The SMS code alone does not sign a coordinator in.
  assert.equal((await ask(mobile)).status, 200);
  assert.equal(errorOf(await verify(mobile, await lastCode(mobile))).code, 'no_account');
  const volunteer = await login('volunteer6');
  const refused = await request('POST', '/api/auth/second-factor', {
    cookie: volunteer.cookie,
    body: { enabled: true },
  });
  assert.equal(refused.status, 403);

  const { cookie } = await login('coord2');
  await age({ mobile }, MINUTE);
  const start = await request('POST', '/api/auth/second-factor', { cookie, body: { enabled: true } });
  assert.equal(start.status, 422, start.text);
  assert.equal(errorOf(start).code, 'code_required');
  const on = await request('POST', '/api/auth/second-factor', {
    cookie,
    body: { enabled: true, code: await lastCode(mobile) },
  });
  assert.equal(on.status, 200, on.text);
  assert.equal((await request('GET', '/api/auth/second-factor', { cookie })).json.enabled, true);
  try {
    await age({ mobile }, MINUTE);
    const ip = freshIp();
    const body = { login: 'coord2', password: PASSWORD };
    const first = await request('POST', '/api/auth/login', { body, headers: { 'cf-connecting-ip': ip } });
    assert.equal(first.status, 422, first.text);
    assert.equal(errorOf(first).code, 'code_required');
    assert.match(errorOf(first).message, /\*{7}0004/);
    assert.equal(first.headers.get('set-cookie'), null, 'no session before the code');
    const code = await lastCode(mobile);
    const wrong = await request('POST', '/api/auth/login', {
      body: { ...body, code: other(code) },
      headers: { 'cf-connecting-ip': ip },
    });
    assert.equal(errorOf(wrong).code, 'code_wrong');
    const second = await request('POST', '/api/auth/login', {
      body: { ...body, code },
      headers: { 'cf-connecting-ip': ip },
    });
    assert.equal(second.status, 200, second.text);
    assert.match(second.headers.get('set-cookie'), /^tanfang_session=/);
  } finally {
    const off = await request('POST', '/api/auth/second-factor', { cookie, body: { enabled: false } });
    assert.equal(off.status, 200);
  }
  assert.equal((await login('coord2')).user.login, 'coord2', 'password alone again once it is off');
});

