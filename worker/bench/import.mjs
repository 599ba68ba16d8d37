// Roster import benchmark against a running local `wrangler dev` (DEV_SEED=1): a coordinator
// previews and commits a 20,000-row CSV roster (UTF-8), then previews it again (every row now
// matches an existing file). Prints wall times, body sizes and D1 round trips/statements.
// Usage: TANFANG_BASE_URL=http://127.0.0.1:PORT node worker/bench/import.mjs [rows]
// (`cargo xtask bench` runs every worker/bench/*.mjs against a fresh server.)
const BASE = (process.env.TANFANG_BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '');
const ROWS = Number(process.argv[2] || process.env.BENCH_IMPORT_ROWS || 20000);
const XINJIN = '120101001001';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
function idNumber(birth, seq) {
  const first17 = `120101${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * WEIGHTS[i], 0);
  return first17 + CHECK[sum % 11];
}
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林';
const GIVEN = ['桂兰', '秀英', '淑珍', '玉梅', '凤英', '建国', '德明', '志强', '国华', '文华'];

function roster(n) {
  const lines = ['姓名,身份证号,区划代码,类别,紧急联系人,与老人关系,紧急联系人电话'];
  for (let i = 0; i < n; i++) {
    // Unique (birth date, sequence) per row: 20 years of days × a few sequences. The demo
    // seed uses sequences 101–300 in the same county, so these start at 500: an ID number
    // shared with a demo elder would (rightly) match that elder's file.
    const day = new Date(Date.UTC(1940, 0, 1) + (i % 7300) * 86400000).toISOString().slice(0, 10);
    const seq = 500 + Math.floor(i / 7300) * 2;
    const name = `${SURNAMES[i % 16]}${GIVEN[Math.floor(i / 16) % 10]}`;
    lines.push(`${name},${idNumber(day, seq)},${XINJIN},独居,联系人,儿子,138${String(10000000 + i).slice(-8)}`);
  }
  return lines.join('\n');
}

async function login(name) {
  const res = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.201' },
    body: JSON.stringify({ login: name, password: 'tanfang-demo-1' }),
  });
  if (!res.ok) throw new Error(`login ${name}: ${res.status}`);
  return res.headers.get('set-cookie').split(';')[0];
}

async function post(path, cookie, body) {
  const start = performance.now();
  const res = await fetch(`${BASE}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'text/csv' }, body });
  const text = await res.text();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
  return {
    ms,
    json: JSON.parse(text),
    bytes: Buffer.byteLength(text),
    trips: res.headers.get('x-d1-round-trips'),
    statements: res.headers.get('x-d1-statements'),
  };
}

await fetch(`${BASE}/api/dev/seed`, { method: 'POST' });
const cookie = await login('coord');
const csv = roster(ROWS);
console.log(`roster import: ${ROWS} rows, ${(Buffer.byteLength(csv) / 1e6).toFixed(2)} MB CSV`);
const show = (label, r, summary) =>
  console.log(
    `${label}: ${r.ms.toFixed(0)} ms wall, response ${(r.bytes / 1e6).toFixed(2)} MB, D1 ${r.trips} round trips / ${r.statements} statements, ${JSON.stringify(summary)}`,
  );
const preview = await post('/api/import/preview', cookie, csv);
show('preview (all new)', preview, preview.json.summary);
const commit = await post('/api/import/commit?file_name=bench.csv', cookie, csv);
show('commit', commit, { created: commit.json.created, updated: commit.json.updated });
const again = await post('/api/import/preview', cookie, csv);
show('preview (all matched)', again, again.json.summary);
