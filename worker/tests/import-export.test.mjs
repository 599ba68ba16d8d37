// Roster import and official exports (issue 10) against the real worker on local D1.
// - the preview is a dry run: it names every bad cell and writes nothing;
// - a commit with bad rows is refused whole; a commit whose D1 batch fails leaves nothing;
// - scope: rows outside the coordinator's region and ID numbers filed elsewhere are errors;
// - a good commit creates and updates files, remembers the mapping, is audited;
// - exports are .xlsx (read back here with a tiny unzip over node:zlib) and BOM CSV, scoped,
//   masked and audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { seed, login, request, errorOf } from './helpers.mjs';

const XINJIN = '120101001001';
const LANTIAN = '120101002001';

// ---- GB 11643 ID numbers, unique per run ------------------------------------------------------
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
function idNumber(birth, seq) {
  const first17 = `120101${birth.replaceAll('-', '')}${String(seq % 1000).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * WEIGHTS[i], 0);
  return first17 + CHECK[sum % 11];
}
const RUN = Date.now() % 100000;
// A birth date per run and row (1940–1959), so reruns on one database create new people.
function birth(n) {
  const day = ((RUN + n * 7) % 28) + 1;
  const month = ((Math.floor(RUN / 28) + n) % 12) + 1;
  const year = 1940 + ((Math.floor(RUN / 336) + n) % 20);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
const NAMES = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];
function uniqueName(prefix, n) {
  return `${prefix}${NAMES[Math.floor(RUN / 1000) % 10]}${NAMES[Math.floor(RUN / 100) % 10]}${NAMES[Math.floor(RUN / 10) % 10]}${NAMES[RUN % 10]}${NAMES[n % 10]}`;
}

// ---- A tiny .xlsx reader: zip central directory + inflateRaw, then the sheet XML -------------
function unzip(buffer) {
  const files = {};
  let eocd = buffer.length - 22;
  while (eocd >= 0 && buffer.readUInt32LE(eocd) !== 0x06054b50) eocd -= 1;
  assert.ok(eocd >= 0, 'zip: no end of central directory');
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    assert.equal(buffer.readUInt32LE(at), 0x02014b50, 'zip: central directory entry');
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(dataStart, dataStart + size);
    files[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}
const unescape = (s) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
/** Sheet n (1-based) of an .xlsx as { A1: 'text', … }. */
function readSheet(buffer, n = 1) {
  const files = unzip(buffer);
  const shared = [];
  const sst = files['xl/sharedStrings.xml']?.toString('utf8') ?? '';
  for (const m of sst.matchAll(/<si>([\s\S]*?)<\/si>/g)) {
    shared.push(unescape([...m[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  }
  const xml = files[`xl/worksheets/sheet${n}.xml`].toString('utf8');
  const cells = {};
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const [, ref, attrs, inner = ''] = m;
    const v = inner.match(/<v>([\s\S]*?)<\/v>/)?.[1];
    if (/t="s"/.test(attrs)) cells[ref] = shared[Number(v)];
    else if (/t="inlineStr"/.test(attrs)) cells[ref] = unescape(inner.replace(/<[^>]+>/g, ''));
    else if (v !== undefined) cells[ref] = unescape(v);
  }
  return cells;
}
/** Row r of a sheet as an array of texts from column A on. */
function rowOf(cells, r) {
  const out = [];
  for (let c = 0; c < 26; c++) out.push(cells[`${String.fromCharCode(65 + c)}${r}`] ?? '');
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}
function rowsOf(cells) {
  const max = Math.max(...Object.keys(cells).map((k) => Number(k.replace(/[A-Z]+/, ''))));
  const rows = [];
  for (let r = 1; r <= max; r++) rows.push(rowOf(cells, r));
  return rows;
}

// ---- HTTP helpers ---------------------------------------------------------------------------
async function upload(path, cookie, csv, { query = '', headers = {} } = {}) {
  return request('POST', `${path}${query}`, {
    cookie,
    rawBody: Buffer.from(csv, 'utf8'),
    headers: { 'content-type': 'text/csv', ...headers },
  });
}
async function download(path, cookie) {
  const res = await fetch(`${(process.env.TANFANG_BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '')}${path}`, {
    headers: { cookie },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}
async function total(cookie) {
  const res = await request('GET', '/api/elders?page_size=1', { cookie });
  assert.equal(res.status, 200, res.text);
  return res.json.total;
}
async function auditCount(adminCookie, action) {
  const res = await request('GET', `/api/audit?action=${action}&page_size=500`, { cookie: adminCookie });
  assert.equal(res.status, 200, res.text);
  return (res.json.items ?? res.json.entries ?? []).length;
}

const HEADER = '序号,老人姓名,证件,出生日期,区划代码,类别,紧急联系人,与老人关系,紧急联系人电话,联系电话';
function row(n, { name = uniqueName('导', n), code = XINJIN, id = '', date = birth(n), category = '独居', phone = '13812345678', own = '' } = {}) {
  return `${n},${name},${id},${date},${code},${category},联系人${n},儿子,${phone},${own}`;
}
const MAPPING = encodeURIComponent(JSON.stringify({ 证件: 'id_number', 序号: null }));

test('preview is a dry run naming every bad cell; a commit with bad rows writes nothing', async () => {
  await seed();
  const { cookie } = await login('coord');
  const { cookie: admin } = await login('admin');
  const before = await total(cookie);
  const commitsBefore = await auditCount(admin, 'import.commit');
  const csv = [
    '新津社区特殊困难老年人摸底排查表',
    HEADER,
    row(1),
    row(2, { date: '1943-02-30' }),
    row(3, { category: '五保' }),
    row(4, { code: LANTIAN }),
    row(5, { id: '110105194912310020' }),
    row(6, { phone: '12345' }),
  ].join('\n');
  const res = await upload('/api/import/preview', cookie, csv, { query: `?mapping=${MAPPING}` });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.header_row, 2);
  assert.equal(res.json.format, 'csv-utf8');
  assert.equal(res.json.mapping['证件'], 'id_number');
  assert.equal(res.json.mapping['老人姓名'], 'name');
  assert.deepEqual(res.json.summary, { rows: 6, errors: 5, new: 1, changed: 0, unchanged: 0 });
  const errors = res.json.rows.flatMap((r) => r.errors.map((e) => [e.row, e.cell, e.field, e.code]));
  assert.deepEqual(errors, [
    [4, 'D4', 'birth_date', 'bad_date'],
    [5, 'F5', 'categories', 'unknown_category'],
    [6, 'E6', 'address.region_code', 'out_of_scope'],
    [7, 'C7', 'id_number', 'bad_id_number'],
    [8, 'I8', 'emergency_contacts[0].phone', 'bad_value'],
  ]);
  assert.match(res.json.rows[1].errors[0].message, /^出生日期“1943-02-30”：不存在的日期/);
  assert.equal(res.json.rows[0].action, 'new');
  // Nothing was written by the preview.
  assert.equal(await total(cookie), before);
  // A commit of the same file is refused whole.
  const refused = await upload('/api/import/commit', cookie, csv, { query: `?mapping=${MAPPING}` });
  assert.equal(refused.status, 422, refused.text);
  const error = errorOf(refused);
  assert.equal(error.code, 'import_has_errors');
  assert.match(error.message, /5行有错误，未导入任何数据/);
  assert.match(error.message, /第4行 出生日期（D4）/);
  assert.equal(await total(cookie), before);
  assert.equal(await auditCount(admin, 'import.commit'), commitsBefore);
});

test('a GBK CSV (as Excel saves it on a Chinese Windows) is decoded and checked', async () => {
  await seed();
  const { cookie } = await login('coord');
  // GBK bytes of: 姓名,出生日期,区划代码,类别,紧急联系人,紧急联系人电话 / 郑淑芬,<birth>,XINJIN,独居,郑明,13812345678
  const gbk = (hex) => Buffer.from(hex, 'hex');
  const body = Buffer.concat([
    gbk('d0d5c3fb2cb3f6c9fac8d5c6da2cc7f8bbaeb4fac2eb2cc0e0b1f02cbdf4bcb1c1aacfb5c8cb2cbdf4bcb1c1aacfb5c8cbb5e7bbb00a'),
    gbk('d6a3cae7b7d2'),
    Buffer.from(`,${birth(950)},${XINJIN},`),
    gbk('b6c0bed3'),
    Buffer.from(','),
    gbk('d6a3c3f7'),
    Buffer.from(',13812345678\n'),
  ]);
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(body), 'the body is not UTF-8');
  const res = await request('POST', '/api/import/preview', { cookie, rawBody: body, headers: { 'content-type': 'text/csv' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.format, 'csv-gbk');
  assert.deepEqual(res.json.headers, ['姓名', '出生日期', '区划代码', '类别', '紧急联系人', '紧急联系人电话']);
  assert.equal(res.json.rows[0].name, '郑淑芬');
  assert.equal(res.json.rows[0].action, 'new', JSON.stringify(res.json.rows[0].errors));
});

test('a commit whose D1 batch fails changes nothing (one batch, 300 rows)', async () => {
  await seed();
  const { cookie } = await login('coord');
  const { cookie: admin } = await login('admin');
  const before = await total(cookie);
  const commitsBefore = await auditCount(admin, 'import.commit');
  const lines = [HEADER];
  for (let n = 0; n < 300; n++) {
    lines.push(row(n, { name: `${uniqueName('批', n)}${n}`, date: birth(100 + n) }));
  }
  const csv = lines.join('\n');
  const preview = await upload('/api/import/preview', cookie, csv, { query: `?mapping=${MAPPING}` });
  assert.equal(preview.status, 200, preview.text);
  assert.equal(preview.json.summary.new, 300, JSON.stringify(preview.json.rows.find((r) => r.errors.length)));
  const failed = await upload('/api/import/commit', cookie, csv, {
    query: `?mapping=${MAPPING}`,
    headers: { 'x-tanfang-fault': 'import-fail-last' },
  });
  assert.equal(failed.status, 500, failed.text);
  assert.equal(await total(cookie), before, 'no file of the failed batch remains');
  assert.equal(await auditCount(admin, 'import.commit'), commitsBefore);
  const mapping = await request('GET', '/api/import/mapping', { cookie });
  assert.equal(mapping.status, 200);
  assert.notEqual(mapping.json.mapping['证件'], 'id_number', 'the mapping of a failed import is not remembered');
  // The same file without the fault goes in whole.
  const ok = await upload('/api/import/commit', cookie, csv, { query: `?mapping=${MAPPING}&file_name=batch.csv` });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.created, 300);
  assert.equal(await total(cookie), before + 300);
  assert.equal(await auditCount(admin, 'import.commit'), commitsBefore + 1);
});

test('scope: other regions are errors, ID numbers filed elsewhere are refused, volunteers are not allowed', async () => {
  await seed();
  const { cookie: coord2 } = await login('coord2');
  const { cookie: coord } = await login('coord');
  const { cookie: volunteer } = await login('volunteer1');
  // coord2 (蓝天) files an elder with an ID number; coord (新津) cannot file the same person.
  const date = birth(900);
  const id = idNumber(date, 900 + (RUN % 50) * 2 + 1);
  const name = uniqueName('域', 9);
  const theirs = await upload('/api/import/commit', coord2, [HEADER, row(1, { name, code: LANTIAN, id, date: '' })].join('\n'), {
    query: `?mapping=${MAPPING}`,
  });
  assert.equal(theirs.status, 200, theirs.text);
  assert.equal(theirs.json.created, 1);
  const mine = await upload('/api/import/preview', coord, [HEADER, row(1, { name, id, date: '' })].join('\n'), {
    query: `?mapping=${MAPPING}`,
  });
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(
    mine.json.rows[0].errors.map((e) => [e.cell, e.code]),
    [['C2', 'id_number_taken']],
  );
  // A volunteer may not import.
  const denied = await upload('/api/import/preview', volunteer, [HEADER, row(1)].join('\n'));
  assert.equal(denied.status, 403);
  // An unreadable upload is named.
  const empty = await upload('/api/import/preview', coord, '');
  assert.equal(empty.status, 422);
  assert.equal(errorOf(empty).field, 'file');
});

test('commit creates new files, updates matched ones (nothing else lost), remembers the mapping', async () => {
  await seed();
  const { cookie } = await login('coord');
  const { cookie: admin } = await login('admin');
  // An existing file in scope with a birth date, matched by name + birth date.
  // It must be the only file in scope with that name and birth date (files made by earlier
  // test files can share both), or the importer rightly matches another one.
  const list = await request('GET', '/api/elders?page_size=50', { cookie });
  let existing = null;
  for (const candidate of list.json.items.filter((e) => e.birth_date && !e.name.includes(',') && e.categories.length === 1)) {
    const namesakes = await request('GET', `/api/elders?page_size=500&q=${encodeURIComponent(candidate.name)}`, { cookie });
    if (namesakes.json.items.filter((e) => e.name === candidate.name && e.birth_date === candidate.birth_date).length === 1) {
      existing = candidate;
      break;
    }
  }
  assert.ok(existing, 'an existing elder with a birth date, alone with its name and birth date');
  const before = await request('GET', `/api/elders/${existing.id}`, { cookie });
  const contactsBefore = before.json.elder.emergency_contacts;
  const newPhone = `139${String(RUN).padStart(8, '0')}`.slice(0, 11);
  const csv = [
    HEADER,
    row(1, { name: uniqueName('新', 1), date: birth(500) }),
    row(2, { name: uniqueName('新', 2), date: birth(501) }),
    // The existing elder: same name and birth date, a new own phone; contact columns empty.
    `3,${existing.name},,${existing.birth_date},${XINJIN},${existing.categories
      .map((c) => ({ solitary: '孤寡', living_alone: '独居', empty_nest: '空巢', left_behind: '留守', family_planning_special: '计划生育特殊家庭' })[c])
      .join('、')},,,,${newPhone}`,
  ].join('\n');
  const preview = await upload('/api/import/preview', cookie, csv, { query: `?mapping=${MAPPING}` });
  assert.equal(preview.status, 200, preview.text);
  assert.deepEqual(preview.json.summary, { rows: 3, errors: 0, new: 2, changed: 1, unchanged: 0 });
  const changed = preview.json.rows[2];
  assert.equal(changed.action, 'changed');
  assert.equal(changed.elder_id, existing.id);
  assert.equal(changed.matched_by, 'name_birth_date');
  assert.deepEqual(changed.changes.map((c) => c.field), ['phone']);
  const count = await total(cookie);
  const commit = await upload('/api/import/commit', cookie, csv, { query: `?mapping=${MAPPING}&file_name=roster.csv` });
  assert.equal(commit.status, 200, commit.text);
  assert.deepEqual([commit.json.created, commit.json.updated, commit.json.unchanged], [2, 1, 0]);
  assert.equal(await total(cookie), count + 2);
  const after = await request('GET', `/api/elders/${existing.id}`, { cookie });
  assert.equal(after.json.elder.phone, newPhone);
  assert.deepEqual(after.json.elder.emergency_contacts, contactsBefore, 'contacts the sheet did not carry are kept');
  // The mapping is remembered: the next upload with the same headers needs no mapping.
  const remembered = await request('GET', '/api/import/mapping', { cookie });
  assert.equal(remembered.json.mapping['证件'], 'id_number');
  const again = await upload('/api/import/preview', cookie, csv);
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.summary, { rows: 3, errors: 0, new: 0, changed: 0, unchanged: 3 });
  // Audited with counts, never with ID numbers.
  const audit = await request('GET', '/api/audit?action=import.commit&page_size=5', { cookie: admin });
  const entry = (audit.json.items ?? audit.json.entries)[0];
  const detail = typeof entry.detail === 'string' ? JSON.parse(entry.detail) : entry.detail;
  assert.equal(detail.file_name, 'roster.csv');
  assert.equal(detail.created, 2);
});

test('exports: ledger .xlsx and .csv read back, scoped, masked, audited; other tables', async () => {
  await seed();
  const { cookie } = await login('coord');
  const { cookie: coord2 } = await login('coord2');
  const { cookie: admin } = await login('admin');
  // Something of ours to find in the ledger.
  const name = uniqueName('账', 3);
  const id = idNumber(birth(700), 700 + (RUN % 50) * 2);
  const made = await upload('/api/import/commit', cookie, [HEADER, row(1, { name, id, date: '' })].join('\n'), {
    query: `?mapping=${MAPPING}`,
  });
  assert.equal(made.status, 200, made.text);
  const exportsBefore = await auditCount(admin, 'export.ledger');

  const xlsx = await download('/api/exports/ledger?from=2020-01-01&to=2030-12-31', cookie);
  assert.equal(xlsx.status, 200);
  assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
  assert.match(xlsx.headers.get('content-disposition'), /tanfang-ledger-120101001001\.xlsx/);
  const sheet = readSheet(xlsx.body, 1);
  assert.match(sheet.A1, /^新津社区特殊困难老年人探访关爱台账（2020-01-01 至 2030-12-31）$/);
  assert.deepEqual(rowOf(sheet, 2).slice(0, 6), ['序号', '姓名', '性别', '出生日期', '年龄', '身份证号']);
  const rows = rowsOf(sheet).slice(2);
  const mine = rows.find((r) => r[1] === name);
  assert.ok(mine, 'the imported elder is in the ledger');
  assert.ok(!rows.some((r) => r.includes(id)), 'no full ID number in the export');
  assert.match(mine[5], /\*/);
  assert.equal(mine[6], '新津社区');
  assert.ok(rows.every((r) => r[6] === '新津社区'), 'only the coordinator\'s community');
  const visits = readSheet(xlsx.body, 2);
  assert.deepEqual(rowOf(visits, 2).slice(0, 7), ['探访日期', '姓名', '社区(村)', '方式', '类型', '探访人', '时长(分钟)']);
  // 方式 in the words of the official visit form (济宁, 江门): 电话问候, not 电话探访.
  const modes = new Set(rowsOf(visits).slice(2).map((r) => r[3]));
  assert.ok(modes.has('上门探访') && modes.has('电话问候'), `modes in the demo ledger: ${[...modes]}`);
  for (const mode of modes) assert.ok(['上门探访', '电话问候', '互联网音（视）频探访', '路遇探访', '其他'].includes(mode), mode);

  const csv = await download('/api/exports/ledger?format=csv&from=2020-01-01&to=2030-12-31', cookie);
  assert.equal(csv.status, 200);
  assert.deepEqual([...csv.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = csv.body.toString('utf8');
  assert.ok(text.includes(name));
  assert.ok(!text.includes(id));
  assert.equal(await auditCount(admin, 'export.ledger'), exportsBefore + 2);

  // Scope: coord2 sees none of 新津; coord cannot ask for 蓝天.
  const theirs = await download('/api/exports/ledger?format=csv&from=2020-01-01&to=2030-12-31', coord2);
  assert.equal(theirs.status, 200);
  assert.ok(!theirs.body.toString('utf8').includes(name));
  const forbidden = await download(`/api/exports/ledger?region=${LANTIAN}`, cookie);
  assert.equal(forbidden.status, 403);

  // The other tables open and carry their headers and a total row.
  const monthly = readSheet((await download('/api/exports/monthly', cookie)).body);
  assert.deepEqual(rowOf(monthly, 2), ['社区(村)', '区划代码', '分级', '应探访人数', '已探访人数', '拒绝探访人数', '月探访率']);
  assert.equal(rowsOf(monthly).at(-1)[0], '合计');
  const jiangmen = readSheet((await download('/api/exports/jiangmen?from=2020-01-01&to=2030-12-31', cookie)).body);
  assert.equal(rowOf(jiangmen, 2)[2], '特殊困难老年人数');
  assert.equal(rowOf(jiangmen, 3)[0], '新津社区');
  const hours = readSheet((await download('/api/exports/hours?from=2020-01-01&to=2030-12-31', cookie)).body);
  assert.deepEqual(rowOf(hours, 2), ['姓名', '类型', '学校', '班级', '探访次数', '服务分钟数', '服务时长(小时)']);
  const budget = readSheet((await download('/api/exports/budget?year=2026&per_elder=1000', cookie)).body);
  const budgetRows = rowsOf(budget);
  const totalRow = budgetRows.at(-1);
  assert.equal(totalRow[0], '合计');
  assert.equal(Number(totalRow[4]), Number(totalRow[2]) * 1000);
  const tooLow = await request('GET', '/api/exports/budget?per_elder=500', { cookie });
  assert.equal(tooLow.status, 422);
  assert.equal(errorOf(tooLow).field, 'per_elder');
});

async function pull(cookie, cursor = 0) {
  const res = await request('GET', `/api/sync/pull?cursor=${cursor}`, { cookie });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test('an import that moves an elder to another community takes it off phones outside it (removals, assignment ended)', async () => {
  await seed();
  // 和平区 coordinator: governs both 新津 and 蓝天.
  const { cookie: district } = await login('district');
  const { cookie: admin } = await login('admin');
  const { cookie: volunteer5 } = await login('volunteer5'); // 新津
  const { cookie: volunteer3 } = await login('volunteer3'); // 蓝天
  const { cookie: coord } = await login('coord'); // 新津 only
  const { cookie: coord2 } = await login('coord2'); // 蓝天 only
  const date = birth(600);
  const id = idNumber(date, 600 + (RUN % 50) * 2 + 1);
  const name = uniqueName('迁', 6);
  const made = await upload('/api/import/commit', district, [HEADER, row(1, { name, id, date: '' })].join('\n'), {
    query: `?mapping=${MAPPING}`,
  });
  assert.equal(made.status, 200, made.text);
  assert.equal(made.json.created, 1);
  const found = await request('GET', `/api/elders?page_size=5&q=${encodeURIComponent(name)}`, { cookie: district });
  assert.equal(found.json.items.length, 1);
  const elderId = found.json.items[0].id;
  // A 新津 volunteer is responsible, a 蓝天 volunteer the backup.
  const assign = await request('POST', '/api/assignments', {
    cookie: district,
    body: { elder_ids: [elderId], responsible_id: 'acc-volunteer5', backup_id: 'acc-volunteer3' },
  });
  assert.equal(assign.status, 200, assign.text);
  const v5 = await pull(volunteer5);
  assert.ok(v5.elders.some((e) => e.id === elderId), 'volunteer5 has the elder before the move');
  const v3 = await pull(volunteer3);
  assert.ok(v3.elders.some((e) => e.id === elderId));
  const c1 = await pull(coord);
  assert.ok(c1.elders.some((e) => e.id === elderId));
  const c2 = await pull(coord2);
  assert.ok(!c2.elders.some((e) => e.id === elderId));

  // The sheet moves the elder to 蓝天; the preview says so.
  const sheet = [HEADER, row(1, { name, id, date: '', code: LANTIAN })].join('\n');
  const preview = await upload('/api/import/preview', district, sheet, { query: `?mapping=${MAPPING}` });
  assert.equal(preview.status, 200, preview.text);
  const moving = preview.json.rows[0];
  assert.equal(moving.action, 'changed', JSON.stringify(moving));
  assert.equal(moving.elder_id, elderId);
  assert.equal(moving.moves_community, true);
  assert.ok(moving.changes.some((c) => c.field === 'address.region_code' && c.new === LANTIAN));
  const commit = await upload('/api/import/commit', district, sheet, { query: `?mapping=${MAPPING}` });
  assert.equal(commit.status, 200, commit.text);
  assert.deepEqual([commit.json.updated, commit.json.moved], [1, 1]);

  // volunteer5 (新津) loses the elder on the next pull; volunteer3 (蓝天) keeps it, updated.
  const v5next = await pull(volunteer5, v5.cursor);
  assert.deepEqual(v5next.removals, [elderId]);
  assert.ok(!v5next.elders.some((e) => e.id === elderId));
  assert.ok(!(await pull(volunteer5)).elders.some((e) => e.id === elderId), 'not in a full pull either');
  const v3next = await pull(volunteer3, v3.cursor);
  assert.ok(!v3next.removals.includes(elderId));
  const kept = v3next.elders.find((e) => e.id === elderId);
  assert.ok(kept, 'volunteer3 gets the moved file');
  assert.equal(kept.my_role, 'backup');
  // The 新津 coordinator's pull drops it; the 蓝天 coordinator's brings it.
  const c1next = await pull(coord, c1.cursor);
  assert.ok(c1next.removals.includes(elderId));
  const c2next = await pull(coord2, c2.cursor);
  assert.ok(c2next.elders.some((e) => e.id === elderId));
  // The registry shows no responsible visitor any more, the 蓝天 backup stays.
  const after = await request('GET', `/api/elders?page_size=5&q=${encodeURIComponent(name)}`, { cookie: district });
  assert.equal(after.json.items[0].region_code, LANTIAN);
  assert.equal(after.json.items[0].responsible, null);
  assert.equal(after.json.items[0].backup?.id, 'acc-volunteer3');
  // Audited with the count of moves.
  const audit = await request('GET', '/api/audit?action=import.commit&page_size=5', { cookie: admin });
  const entry = (audit.json.items ?? audit.json.entries)[0];
  const detail = typeof entry.detail === 'string' ? JSON.parse(entry.detail) : entry.detail;
  assert.equal(detail.moved, 1);
});

test('a preview is audited (it shows files); rows carry their own 序号/编号 from the sheet', async () => {
  await seed();
  // The admin never commits an import in these tests, so has no remembered mapping (the
  // coordinators' remembered 序号 → null from the commits above rightly wins over the default).
  const { cookie } = await login('admin');
  const { cookie: admin } = await login('admin');
  const previewsBefore = await auditCount(admin, 'import.preview');
  const id = idNumber(birth(650), 650 + (RUN % 50) * 2);
  // Only 证件 is given: 序号 is taken as each row's own number.
  const mapping = encodeURIComponent(JSON.stringify({ 证件: 'id_number' }));
  const csv = [HEADER, row(17, { id, date: '' }), row(18, { date: '1943-02-30' })].join('\n');
  const res = await upload('/api/import/preview', cookie, csv, { query: `?mapping=${mapping}&file_name=audit.csv` });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.mapping['序号'], 'external_id');
  assert.ok(res.json.fields.some((f) => f.key === 'external_id' && f.not_imported === true));
  assert.deepEqual(res.json.rows.map((r) => [r.row, r.serial]), [[2, '17'], [3, '18']]);
  assert.equal(await auditCount(admin, 'import.preview'), previewsBefore + 1);
  const audit = await request('GET', '/api/audit?action=import.preview&page_size=5', { cookie: admin });
  const entry = (audit.json.items ?? audit.json.entries)[0];
  const detail = typeof entry.detail === 'string' ? JSON.parse(entry.detail) : entry.detail;
  assert.equal(detail.file_name, 'audit.csv');
  assert.deepEqual([detail.rows, detail.new, detail.errors], [2, 1, 1]);
  assert.ok(!JSON.stringify(audit.json).includes(id), 'no ID number in the audit log');
  // A refused commit names the first bad row by its sheet row and its own number.
  const refused = await upload('/api/import/commit', cookie, csv, { query: `?mapping=${mapping}` });
  assert.equal(refused.status, 422, refused.text);
  assert.match(errorOf(refused).message, /第3行（编号 18） 出生日期（D3）/);
  // A volunteer's refused preview is not a read, so nothing more is logged.
  const { cookie: volunteer } = await login('volunteer1');
  assert.equal((await upload('/api/import/preview', volunteer, csv)).status, 403);
  assert.equal(await auditCount(admin, 'import.preview'), previewsBefore + 1);
});
