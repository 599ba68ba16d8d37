// Groups (issue 7) over HTTP against real D1: register → approve → pair → invite → sign up by
// code → assign → visit → dashboard/CSV → remove member (their pull loses the elders) → end
// pairing; refusals in the one error shape; a group admin never gets elder personal data.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { seed, login, request, errorOf, visit, clientId, freshIp } from './helpers.mjs';

const XINJIN = '120101001001';
const LANTIAN = '120101002001';
const run = `${process.pid}${Date.now() % 100000}`;
// A unique valid mobile per run: 139 + 8 digits.
const mobile = (n) => `139${String((Number(run) * 10 + n) % 100000000).padStart(8, '0')}`;

// GB 32100 check characters, computed here independently of the Rust domain code.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function organisationCheck(body8) {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body8].reduce((s, c, i) => s + parseInt(c, 36) * w[i], 0);
  const d = 11 - (sum % 11);
  return d === 10 ? 'X' : d === 11 ? '0' : String(d);
}
function creditCode(prefix16) {
  const first17 = prefix16 + organisationCheck(prefix16.slice(8, 16));
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]) * (3 ** i % 31);
  return first17 + CHARSET[(31 - (sum % 31)) % 31];
}
const randomBody = () =>
  Array.from({ length: 7 }, () => '0123456789ABCDEFGHJKLMNPQRTUWXY'[Math.floor(Math.random() * 31)]).join('');

const s = {};
let group;
let groupCookie;
let memberCookie;
let memberId;
let pairingId;
let inviteCode;
let elderIds;

before(async () => {
  await seed();
  for (const who of ['coord', 'coord2', 'volunteer1', 'group1']) {
    s[who] = (await login(who)).cookie;
  }
});

test('registration refuses bad fields, naming each', async () => {
  const good = {
    name: '和平区测试企业志愿队', kind: 'enterprise', credit_code: creditCode(`91120101M${randomBody()}`),
    contact_name: '钱经理', contact_phone: mobile(1), region_code: XINJIN, password: 'group-pass-1',
  };
  const cases = [
    [{ credit_code: good.credit_code.slice(0, 17) + (good.credit_code[17] === '0' ? '1' : '0') }, 'credit_code', /校验码/],
    [{ credit_code: '9112010IM' + '000000000' }, 'credit_code', /不是代码字符/],
    [{ kind: 'company' }, 'kind', /enterprise/],
    [{ contact_phone: '022-23456789' }, 'contact_phone', /手机/],
    [{ region_code: '999999999999' }, 'region_code', /区划/],
    [{ password: 'short' }, 'password', /密码/],
    [{ name: '' }, 'name', /名称/],
  ];
  for (const [override, field, message] of cases) {
    const res = await request('POST', '/api/groups', { body: { ...good, ...override } });
    assert.equal(res.status, 422, `${field}: ${res.text}`);
    const error = errorOf(res);
    assert.equal(error.field, field);
    assert.match(error.message, message);
  }
});

test('a group registers (public), is pending, and cannot invite before approval', async () => {
  const body = {
    name: '和平区测试学校志愿队', kind: 'school', credit_code: creditCode(`12120101M${randomBody()}`),
    contact_name: '孙老师', contact_phone: mobile(2), region_code: XINJIN, password: 'group-pass-2',
  };
  const res = await request('POST', '/api/groups', { body });
  assert.equal(res.status, 201, res.text);
  group = res.json.group;
  assert.equal(group.status, 'pending');
  assert.equal(group.kind, 'school');
  groupCookie = res.headers.get('set-cookie').split(';')[0];
  // The same code again is a duplicate.
  const again = await request('POST', '/api/groups', { body: { ...body, contact_phone: mobile(3) } });
  assert.equal(again.status, 422);
  assert.equal(errorOf(again).field, 'credit_code');
  // Logged in as its admin: sees itself pending.
  const mine = await request('GET', '/api/groups', { cookie: groupCookie });
  assert.equal(mine.status, 200);
  assert.equal(mine.json.groups.length, 1);
  assert.equal(mine.json.groups[0].status, 'pending');
  const invite = await request('POST', `/api/groups/${group.id}/invites`, { cookie: groupCookie, body: {} });
  assert.equal(invite.status, 409);
  assert.equal(errorOf(invite).code, 'group_not_approved');
});

test('only coordinators governing the area review; decline needs a reason; approve once', async () => {
  const pending = await request('GET', '/api/groups?status=pending', { cookie: s.coord });
  assert.ok(pending.json.groups.some((g) => g.id === group.id));
  const other = await request('GET', '/api/groups?status=pending', { cookie: s.coord2 });
  assert.ok(!other.json.groups.some((g) => g.id === group.id));
  assert.equal((await request('POST', `/api/groups/${group.id}/approve`, { cookie: s.coord2 })).status, 404);
  assert.equal((await request('POST', `/api/groups/${group.id}/approve`, { cookie: s.volunteer1 })).status, 403);
  assert.equal((await request('POST', `/api/groups/${group.id}/approve`, { cookie: groupCookie })).status, 403);
  const noReason = await request('POST', `/api/groups/${group.id}/decline`, { cookie: s.coord, body: { reason: ' ' } });
  assert.equal(noReason.status, 422);
  assert.equal(errorOf(noReason).field, 'reason');
  const ok = await request('POST', `/api/groups/${group.id}/approve`, { cookie: s.coord });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.group.status, 'approved');
  const twice = await request('POST', `/api/groups/${group.id}/decline`, { cookie: s.coord, body: { reason: '重复' } });
  assert.equal(twice.status, 409);
  assert.equal(errorOf(twice).code, 'invalid_transition');
});

test('pairing: the group requests, the community accepts (not the group itself)', async () => {
  const bad = await request('POST', `/api/groups/${group.id}/pairings`, {
    cookie: groupCookie, body: { community_codes: ['120101001000'] },
  });
  assert.equal(bad.status, 422);
  assert.equal(errorOf(bad).field, 'community_codes[0]');
  const res = await request('POST', `/api/groups/${group.id}/pairings`, {
    cookie: groupCookie, body: { community_codes: [XINJIN] },
  });
  assert.equal(res.status, 201, res.text);
  pairingId = res.json.pairings[0].id;
  assert.equal(res.json.pairings[0].status, 'requested');
  const dup = await request('POST', `/api/groups/${group.id}/pairings`, {
    cookie: groupCookie, body: { community_codes: [XINJIN] },
  });
  assert.equal(dup.status, 422);
  const self = await request('POST', `/api/pairings/${pairingId}/accept`, { cookie: groupCookie });
  assert.equal(self.status, 409);
  assert.equal((await request('POST', `/api/pairings/${pairingId}/accept`, { cookie: s.coord2 })).status, 404);
  const accepted = await request('POST', `/api/pairings/${pairingId}/accept`, { cookie: s.coord });
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal(accepted.json.pairing.status, 'active');
});

test('invite codes: single use, students must give school details', async () => {
  const res = await request('POST', `/api/groups/${group.id}/invites`, { cookie: groupCookie, body: { days: 3 } });
  assert.equal(res.status, 201, res.text);
  inviteCode = res.json.code;
  assert.match(inviteCode, /^[2-9A-HJKMNP-TV-Z]{8}$/);
  assert.equal(res.json.link, `/join/${inviteCode}`);
  const preview = await request('GET', `/api/invites/${inviteCode.toLowerCase()}`);
  assert.equal(preview.status, 200);
  assert.equal(preview.json.group.name, '和平区测试学校志愿队');
  assert.equal(preview.json.student_details_required, true);
  const noStudent = await request('POST', `/api/invites/${inviteCode}/signup`, {
    body: { name: '钱同学', phone: mobile(4), password: 'member-pass-1' },
  });
  assert.equal(noStudent.status, 422);
  assert.equal(errorOf(noStudent).field, 'student');
  const signup = await request('POST', `/api/invites/${inviteCode}/signup`, {
    body: { name: '钱同学', phone: mobile(4), password: 'member-pass-1',
      student: { school: '天津市第二十中学', class: '高二（3）班', student_number: `S${run}` } },
  });
  assert.equal(signup.status, 201, signup.text);
  memberId = signup.json.user.id;
  assert.equal(signup.json.user.group_id, group.id);
  assert.equal(signup.json.user.volunteer_kind, 'student');
  memberCookie = signup.headers.get('set-cookie').split(';')[0];
  const reuse = await request('POST', `/api/invites/${inviteCode}/signup`, {
    body: { name: '李同学', phone: mobile(5), password: 'member-pass-2',
      student: { school: '天津市第二十中学', class: '高二（3）班', student_number: `T${run}` } },
  });
  assert.equal(reuse.status, 422);
  assert.equal(errorOf(reuse).code, 'invite_used');
  assert.equal((await request('GET', '/api/invites/ZZZZZZZZ')).status, 404);
  assert.equal(errorOf(await request('GET', '/api/invites/bad')).field, 'code');
  // The new member logs in with the phone number.
  const again = await login(mobile(4), 'member-pass-1', freshIp());
  assert.equal(again.user.id, memberId);
});

test('a coordinator assigns paired elders to the member; the member visits one', async () => {
  const list = await request('GET', `/api/elders?region=${XINJIN}&page_size=50`, { cookie: s.coord });
  assert.equal(list.status, 200, list.text);
  elderIds = list.json.items.slice(0, 2).map((e) => e.id);
  const lantian = await request('GET', `/api/elders?region=${LANTIAN}&page_size=1`, { cookie: s.coord2 });
  // A coordinator outside the group's communities does not even see the group.
  const notPaired = await request('POST', `/api/groups/${group.id}/assignments`, {
    cookie: s.coord2, body: { elder_ids: [lantian.json.items[0].id], member_id: memberId },
  });
  assert.equal(notPaired.status, 404);
  const wrongMember = await request('POST', `/api/groups/${group.id}/assignments`, {
    cookie: s.coord, body: { elder_ids: elderIds, member_id: 'acc-volunteer1' },
  });
  assert.equal(wrongMember.status, 422);
  assert.equal(errorOf(wrongMember).field, 'member_id');
  assert.equal((await request('POST', `/api/groups/${group.id}/assignments`, {
    cookie: groupCookie, body: { elder_ids: elderIds, member_id: memberId },
  })).status, 403);
  const res = await request('POST', `/api/groups/${group.id}/assignments`, {
    cookie: s.coord, body: { elder_ids: elderIds, member_id: memberId, role: 'backup' },
  });
  assert.equal(res.status, 200, res.text);
  const pull = await request('GET', '/api/sync/pull', { cookie: memberCookie });
  assert.equal(pull.status, 200, pull.text);
  assert.deepEqual(pull.json.elders.map((e) => e.id).sort(), [...elderIds].sort());
  const push = await request('POST', '/api/sync/push', {
    cookie: memberCookie,
    body: { client_id: clientId('grp'), mutations: [{ seq: 1, kind: 'visit.create', payload: visit(elderIds[0], { duration_minutes: 90 }) }] },
  });
  assert.equal(push.status, 200, push.text);
});

test('the dashboard shows hours per member and visited counts — and no elder data', async () => {
  const res = await request('GET', `/api/groups/${group.id}/dashboard`, { cookie: groupCookie });
  assert.equal(res.status, 200, res.text);
  const member = res.json.members.find((m) => m.id === memberId);
  assert.equal(member.this_month.visits, 1);
  assert.equal(member.this_month.minutes, 90);
  assert.equal(member.this_month.hours, '1.5');
  assert.equal(member.this_term.minutes, 90);
  assert.equal(res.json.paired_elders.assigned, 2);
  assert.ok(res.json.paired_elders.visited_this_month >= 1);
  for (const id of elderIds) assert.ok(!res.text.includes(id), 'no elder ids on the dashboard');
  assert.ok(!/elder-\d/.test(res.text));
  assert.ok(!/\d{17}[\dX]/.test(res.text));
  // Coordinators of other areas do not see it; volunteers are refused.
  assert.equal((await request('GET', `/api/groups/${group.id}/dashboard`, { cookie: s.coord2 })).status, 404);
  assert.equal((await request('GET', `/api/groups/${group.id}/dashboard`, { cookie: memberCookie })).status, 403);
});

test('hours CSV: UTF-8 BOM, Chinese headers, the member on a line; bad term named', async () => {
  const res = await fetch(`${(process.env.TANFANG_BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '')}/api/groups/${group.id}/hours.csv`, {
    headers: { cookie: groupCookie },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/csv/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = new TextDecoder().decode(bytes.slice(3));
  const lines = text.split('\r\n');
  assert.match(lines[0], /^团体,学期,学校,班级,学号,姓名,探访次数,服务时长（小时）/);
  assert.ok(lines.some((l) => l.includes(`S${run}`) && l.includes('钱同学') && l.includes(',1,1.5,90,0')), text);
  const bad = await request('GET', `/api/groups/${group.id}/hours.csv?term=2024`, { cookie: groupCookie });
  assert.equal(bad.status, 422);
  assert.equal(errorOf(bad).field, 'term');
});

test('a group admin is refused every elder personal data endpoint', async () => {
  for (const [method, path] of [
    ['GET', '/api/elders'], ['GET', `/api/elders/${elderIds[0]}`], ['POST', `/api/elders/${elderIds[0]}/reveal`],
    ['GET', '/api/sync/pull'], ['GET', '/api/due'],
  ]) {
    const res = await request(method, path, { cookie: groupCookie, body: method === 'POST' ? { reason: 'x' } : undefined });
    assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
    assert.deepEqual(Object.keys(res.json), ['error']);
  }
  const list = await request('GET', '/api/groups', { cookie: groupCookie });
  assert.ok(!/elder-\d/.test(list.text));
  assert.ok(list.json.members.every((m) => m.phone === null || /\*/.test(m.phone)), 'member phones masked');
});

test('removing a member: their next pull removes the group elders', async () => {
  const before = await request('GET', '/api/sync/pull', { cookie: memberCookie });
  const cursor = before.json.cursor;
  assert.equal((await request('DELETE', `/api/groups/${group.id}/members/${memberId}`, { cookie: s.group1 })).status, 404);
  const res = await request('DELETE', `/api/groups/${group.id}/members/${memberId}`, { cookie: groupCookie });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.elders_unassigned, 2);
  const after = await request('GET', `/api/sync/pull?cursor=${cursor}`, { cookie: memberCookie });
  assert.equal(after.status, 200);
  assert.deepEqual([...after.json.removals].sort(), [...elderIds].sort());
  const full = await request('GET', '/api/sync/pull', { cookie: memberCookie });
  assert.equal(full.json.elders.length, 0);
  const members = await request('GET', '/api/groups', { cookie: groupCookie });
  assert.ok(!members.json.members.some((m) => m.id === memberId));
  assert.equal((await request('DELETE', `/api/groups/${group.id}/members/${memberId}`, { cookie: groupCookie })).status, 404);
});

test('ending a pairing unassigns the remaining members and cannot be repeated', async () => {
  // A second member, assigned, then the community ends the pairing.
  const invite = await request('POST', `/api/groups/${group.id}/invites`, { cookie: groupCookie });
  const signup = await request('POST', `/api/invites/${invite.json.code}/signup`, {
    body: { name: '赵同学', phone: mobile(6), password: 'member-pass-3',
      student: { school: '天津市第二十中学', class: '高二（3）班', student_number: `U${run}` } },
  });
  assert.equal(signup.status, 201, signup.text);
  const second = signup.json.user.id;
  const secondCookie = signup.headers.get('set-cookie').split(';')[0];
  const assigned = await request('POST', `/api/groups/${group.id}/assignments`, {
    cookie: s.coord, body: { elder_ids: [elderIds[1]], member_id: second, role: 'backup' },
  });
  assert.equal(assigned.status, 200, assigned.text);
  const before = await request('GET', '/api/sync/pull', { cookie: secondCookie });
  assert.deepEqual(before.json.elders.map((e) => e.id), [elderIds[1]]);
  const ended = await request('POST', `/api/pairings/${pairingId}/end`, { cookie: s.coord });
  assert.equal(ended.status, 200, ended.text);
  assert.equal(ended.json.pairing.status, 'ended');
  assert.equal(ended.json.pairing.ended_by, 'community');
  const after = await request('GET', `/api/sync/pull?cursor=${before.json.cursor}`, { cookie: secondCookie });
  assert.deepEqual(after.json.removals, [elderIds[1]]);
  const again = await request('POST', `/api/pairings/${pairingId}/end`, { cookie: groupCookie });
  assert.equal(again.status, 409);
  // Without a pairing in force, assignment is refused naming the elder.
  const refused = await request('POST', `/api/groups/${group.id}/assignments`, {
    cookie: s.coord, body: { elder_ids: [elderIds[1]], member_id: second },
  });
  assert.equal(refused.status, 422);
  assert.equal(errorOf(refused).field, 'elder_ids[0]');
});

test('the seeded group keeps its pairing and the earlier answer shape', async () => {
  const res = await request('GET', '/api/groups', { cookie: s.group1 });
  assert.equal(res.status, 200);
  assert.equal(res.json.groups[0].paired_region.code, XINJIN);
  assert.equal(res.json.groups[0].status, 'approved');
  assert.ok(res.json.groups[0].pairings.some((p) => p.community.code === XINJIN && p.status === 'active'));
  assert.equal((await request('PUT', '/api/groups')).status, 405);
});
