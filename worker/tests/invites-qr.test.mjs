// Invites as QR codes (issue 17) over HTTP against real D1: who may create, list and print
// (QR SVG) group invites, a community's volunteer invites and pairing invitations; joining by
// SMS code (no password) for each kind; and the refusals — expired, used, wrong scope, wrong
// SMS code, already a member — each of which fails without its check. Invites are aged with the
// dev-only POST /api/dev/invites/age, SMS codes read with GET /api/dev/sms/last.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf, freshIp, BASE } from './helpers.mjs';

const GROUP = 'grp-heping-enterprise'; // seeded, paired with 新津社区
const XINJIN = '120101001001';
const LANTIAN = '120101002001';
const STREET = '120101001000';
const DAY = 24 * 3600 * 1000;

let mobiles = {};
const cookies = {};
before(async () => {
  const seeded = await seed();
  mobiles = Object.fromEntries(seeded.logins.map((l) => [l.login, l.mobile]));
  for (const name of ['group1', 'coord', 'coord2', 'district', 'volunteer1']) {
    cookies[name] = (await login(name)).cookie;
  }
});

// The seeded numbers this file asks codes for leave the 60 s and 24 h windows afterwards, so the
// files after this one (sms-login.test.mjs) find them as fresh as the seed left them.
after(async () => {
  for (const name of ['volunteer1', 'member1', 'group1']) {
    await request('POST', '/api/dev/sms/age', { body: { mobile: mobiles[name], ms: 25 * 3600 * 1000 } });
  }
});

let counter = 0;
/** A mobile number no account has, unique to this run. */
function freshMobile() {
  counter += 1;
  return `136${String(process.pid % 1000).padStart(3, '0')}${String(counter).padStart(5, '0')}`;
}

async function smsCode(mobile) {
  // Any earlier code of this number (another test file) is moved out of the 60 s window.
  await request('POST', '/api/dev/sms/age', { body: { mobile, ms: 2 * 60 * 1000 } });
  const asked = await request('POST', '/api/auth/sms/request', {
    body: { mobile },
    headers: { 'cf-connecting-ip': freshIp() },
  });
  assert.equal(asked.status, 200, asked.text);
  const res = await request('GET', `/api/dev/sms/last?mobile=${mobile}`);
  assert.equal(res.status, 200, res.text);
  return res.json.code;
}

const join = (code, body) =>
  request('POST', `/api/invites/${code}/join`, { body, headers: { 'cf-connecting-ip': freshIp() } });

async function groupInvite(cookie = cookies.group1) {
  const res = await request('POST', `/api/groups/${GROUP}/invites`, { cookie, body: {} });
  assert.equal(res.status, 201, res.text);
  return res.json.code;
}

async function communityInvite(kind, community = XINJIN, cookie = cookies.coord) {
  const res = await request('POST', `/api/communities/${community}/invites`, { cookie, body: { kind } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.kind, kind);
  assert.equal(res.json.status, 'open');
  return res.json.code;
}

test('a group invite renders as an SVG QR code of its absolute join link', async () => {
  const code = await groupInvite();
  const res = await request('GET', `/api/invites/${code}/qr.svg`, { cookie: cookies.group1 });
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^image\/svg\+xml/);
  assert.equal(res.headers.get('x-invite-link'), `${BASE}/join/${code}`);
  assert.match(res.text, /^<\?xml[^>]*>\s*<svg[^>]*viewBox/);
  assert.match(res.headers.get('cache-control'), /no-store/);
});

test('group invites: the admin and a coordinator reaching the group create and list; others may not', async () => {
  const byCoordinator = await groupInvite(cookies.coord);
  const list = await request('GET', `/api/groups/${GROUP}/invites`, { cookie: cookies.group1 });
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.invites.some((i) => i.code === byCoordinator && i.status === 'open' && i.link === `/join/${byCoordinator}`));
  const coordList = await request('GET', `/api/groups/${GROUP}/invites`, { cookie: cookies.coord });
  assert.equal(coordList.status, 200, coordList.text);
  // 蓝天社区's coordinator does not reach the group: not even told it exists.
  for (const [method, path] of [
    ['POST', `/api/groups/${GROUP}/invites`],
    ['GET', `/api/groups/${GROUP}/invites`],
    ['GET', `/api/invites/${byCoordinator}/qr.svg`],
  ]) {
    assert.equal((await request(method, path, { cookie: cookies.coord2, body: method === 'POST' ? {} : undefined })).status, 404, `${method} ${path}`);
    assert.equal((await request(method, path, { cookie: cookies.volunteer1, body: method === 'POST' ? {} : undefined })).status, 403, `${method} ${path}`);
    assert.equal((await request(method, path, { body: method === 'POST' ? {} : undefined })).status, 401, `${method} ${path}`);
  }
});

test('following a group invite: SMS code, name, joined and signed in — no password', async () => {
  const code = await groupInvite();
  const preview = await request('GET', `/api/invites/${code}`);
  assert.equal(preview.status, 200, preview.text);
  assert.equal(preview.json.kind, 'group');
  assert.equal(preview.json.group.name, '和平爱心企业志愿队');
  const mobile = freshMobile();
  const res = await join(code, { mobile, sms_code: await smsCode(mobile), name: '钱新员' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.joined.kind, 'group');
  assert.equal(res.json.user.group_id, GROUP);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const me = await request('GET', '/api/me', { cookie });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.login, mobile);
  assert.equal(me.json.user.group_id, GROUP);
  assert.equal(me.json.user.role, 'volunteer');
  // The admin sees the new member; the audit has the join.
  const groups = await request('GET', '/api/groups', { cookie: cookies.group1 });
  assert.ok(JSON.stringify(groups.json).includes('钱新员'));
  const { cookie: admin } = await login('admin');
  const audit = await request('GET', '/api/audit', { cookie: admin });
  assert.ok(JSON.stringify(audit.json).includes('invites.join_group'), 'join audited');
});

test('a used invite is refused: joining again, its preview and its QR code', async () => {
  const code = await groupInvite();
  const first = freshMobile();
  assert.equal((await join(code, { mobile: first, sms_code: await smsCode(first), name: '孙一' })).status, 200);
  const second = freshMobile();
  const again = await join(code, { mobile: second, sms_code: await smsCode(second), name: '孙二' });
  assert.equal(again.status, 422, again.text);
  assert.equal(errorOf(again).code, 'invite_used');
  assert.equal(errorOf(await request('GET', `/api/invites/${code}`)).code, 'invite_used');
  const qr = await request('GET', `/api/invites/${code}/qr.svg`, { cookie: cookies.group1 });
  assert.equal(qr.status, 422, qr.text);
  assert.equal(errorOf(qr).code, 'invite_used');
});

test('an expired invite is refused: joining, its preview and its QR code', async () => {
  const code = await communityInvite('volunteer');
  const aged = await request('POST', '/api/dev/invites/age', { body: { code, ms: 8 * DAY } });
  assert.equal(aged.status, 200, aged.text);
  const mobile = freshMobile();
  const res = await join(code, { mobile, sms_code: await smsCode(mobile), name: '周过期' });
  assert.equal(res.status, 422, res.text);
  assert.equal(errorOf(res).code, 'invite_expired');
  assert.equal(errorOf(await request('GET', `/api/invites/${code}`)).code, 'invite_expired');
  const qr = await request('GET', `/api/invites/${code}/qr.svg`, { cookie: cookies.coord });
  assert.equal(errorOf(qr).code, 'invite_expired');
  const list = await request('GET', `/api/communities/${XINJIN}/invites`, { cookie: cookies.coord });
  assert.equal(list.json.invites.find((i) => i.code === code).status, 'expired');
});

test('a wrong SMS code is refused naming sms_code, and does not use the invite', async () => {
  const code = await groupInvite();
  const mobile = freshMobile();
  const right = await smsCode(mobile);
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
  const res = await join(code, { mobile, sms_code: wrong, name: '吴错码' });
  assert.equal(res.status, 422, res.text);
  assert.equal(errorOf(res).field, 'sms_code');
  assert.equal(errorOf(await join(code, { mobile, sms_code: '12' , name: '吴错码' })).field, 'sms_code');
  assert.equal((await join(code, { mobile, sms_code: right, name: '吴错码' })).status, 200);
});

test('bad join input names the field before the code is spent', async () => {
  const code = await groupInvite();
  const mobile = freshMobile();
  const sms = await smsCode(mobile);
  assert.equal(errorOf(await join(code, { mobile: '022-23456789', sms_code: sms, name: '王' })).field, 'mobile');
  assert.equal(errorOf(await join(code, { mobile, sms_code: sms, name: '' })).field, 'name');
  assert.equal((await join(code, { mobile, sms_code: sms, name: '王小明' })).status, 200);
});

test('a member of the group cannot use up another invite; a staff number cannot join as a member', async () => {
  const code = await groupInvite();
  const member = mobiles.member1;
  const res = await join(code, { mobile: member, sms_code: await smsCode(member), name: '郑员工' });
  assert.equal(res.status, 409, res.text);
  assert.equal(errorOf(res).code, 'already_member');
  const admin = mobiles.group1;
  const staff = await join(code, { mobile: admin, sms_code: await smsCode(admin), name: '吴经理' });
  assert.equal(errorOf(staff).code, 'account_not_eligible');
  // Still unused: a new phone joins with it.
  const fresh = freshMobile();
  assert.equal((await join(code, { mobile: fresh, sms_code: await smsCode(fresh), name: '冯新' })).status, 200);
});

test('volunteer invites: a coordinator governing the community only; a new volunteer joins it', async () => {
  assert.equal((await request('POST', `/api/communities/${XINJIN}/invites`, { cookie: cookies.coord2, body: { kind: 'volunteer' } })).status, 404);
  assert.equal((await request('GET', `/api/communities/${XINJIN}/invites`, { cookie: cookies.coord2 })).status, 404);
  assert.equal((await request('POST', `/api/communities/${XINJIN}/invites`, { cookie: cookies.group1, body: { kind: 'volunteer' } })).status, 403);
  assert.equal((await request('POST', `/api/communities/${XINJIN}/invites`, { cookie: cookies.volunteer1, body: { kind: 'volunteer' } })).status, 403);
  assert.equal((await request('POST', `/api/communities/${XINJIN}/invites`, { body: { kind: 'volunteer' } })).status, 401);
  const street = await request('POST', `/api/communities/${STREET}/invites`, { cookie: cookies.district, body: { kind: 'volunteer' } });
  assert.equal(errorOf(street).field, 'community_code');
  const kind = await request('POST', `/api/communities/${XINJIN}/invites`, { cookie: cookies.coord, body: { kind: 'group' } });
  assert.equal(errorOf(kind).field, 'kind');
  const days = await request('POST', `/api/communities/${XINJIN}/invites`, { cookie: cookies.coord, body: { kind: 'volunteer', days: 31 } });
  assert.equal(errorOf(days).field, 'days');

  const code = await communityInvite('volunteer');
  assert.equal((await request('GET', `/api/invites/${code}/qr.svg`, { cookie: cookies.coord })).status, 200);
  assert.equal((await request('GET', `/api/invites/${code}/qr.svg`, { cookie: cookies.district })).status, 200);
  assert.equal((await request('GET', `/api/invites/${code}/qr.svg`, { cookie: cookies.coord2 })).status, 404);
  assert.equal((await request('GET', `/api/invites/${code}/qr.svg`, { cookie: cookies.group1 })).status, 404);
  const preview = await request('GET', `/api/invites/${code}`);
  assert.equal(preview.json.kind, 'volunteer');
  assert.equal(preview.json.community.name, '新津社区');
  const mobile = freshMobile();
  const res = await join(code, { mobile, sms_code: await smsCode(mobile), name: '郑社区' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.user.region.code, XINJIN);
  assert.equal(res.json.user.group_id, null);
  // An existing volunteer's number is not moved by an invite.
  const other = await communityInvite('volunteer');
  const v1 = mobiles.volunteer1;
  const moved = await join(other, { mobile: v1, sms_code: await smsCode(v1), name: '张志愿' });
  assert.equal(errorOf(moved).code, 'already_member');
});

// GB 32100 check characters, computed independently of the Rust domain code (as groups.test.mjs).
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function creditCode() {
  const body = '91120101M' + Array.from({ length: 7 }, () => CHARSET[Math.floor(Math.random() * 31)]).join('');
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum8 = [...body.slice(8, 16)].reduce((s, c, i) => s + parseInt(c, 36) * w[i], 0);
  const d = 11 - (sum8 % 11);
  const first17 = body + (d === 10 ? 'X' : d === 11 ? '0' : String(d));
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]) * (3 ** i % 31);
  return first17 + CHARSET[(31 - (sum % 31)) % 31];
}

test('pairing invitations: a group admin redeems one and the pairing is active; a volunteer cannot', async () => {
  // A fresh group of 蓝天社区's area, approved by its coordinator (the seeded group stays as it is).
  const adminMobile = freshMobile();
  const registered = await request('POST', '/api/groups', {
    body: {
      name: `结对邀请测试队${process.pid}`, kind: 'enterprise', credit_code: creditCode(),
      contact_name: '褚经理', contact_phone: adminMobile, region_code: LANTIAN, password: 'group-pass-1',
    },
  });
  assert.equal(registered.status, 201, registered.text);
  const groupId = registered.json.group.id;
  const adminCookie = registered.headers.get('set-cookie').split(';')[0];
  const pending = await communityInvite('pairing', LANTIAN, cookies.coord2);
  const notApproved = await join(pending, { mobile: adminMobile, sms_code: await smsCode(adminMobile) });
  assert.equal(errorOf(notApproved).code, 'group_not_approved');
  const approved = await request('POST', `/api/groups/${groupId}/approve`, { cookie: cookies.coord2, body: {} });
  assert.equal(approved.status, 200, approved.text);

  const code = await communityInvite('pairing', LANTIAN, cookies.coord2);
  const volunteer = freshMobile();
  const refused = await join(code, { mobile: volunteer, sms_code: await smsCode(volunteer) });
  assert.equal(refused.status, 409, refused.text);
  assert.equal(errorOf(refused).code, 'not_group_admin');
  const res = await join(code, { mobile: adminMobile, sms_code: await smsCode(adminMobile) });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.joined.kind, 'pairing');
  assert.equal(res.json.joined.group.id, groupId);
  const groups = await request('GET', '/api/groups', { cookie: adminCookie });
  const group = groups.json.groups.find((g) => g.id === groupId);
  const pairing = group.pairings.find((p) => p.community.code === LANTIAN);
  assert.equal(pairing.status, 'active');
  assert.equal(pairing.requested_by, 'community');
  // A second invitation to the same community is refused: already paired.
  const again = await communityInvite('pairing', LANTIAN, cookies.coord2);
  const twice = await join(again, { mobile: adminMobile, sms_code: await smsCode(adminMobile) });
  assert.equal(errorOf(twice).code, 'already_paired');
});
