// Worker benchmark against a running local `wrangler dev` (DEV_SEED=1):
//   1. push of 100 visits (one request) — wall time, request/response bytes (raw and gzip),
//      D1 round trips and statements (x-d1-* headers);
//   2. initial (full) pull for a coordinator whose subtree holds 10,000 elders.
// Usage: TANFANG_BASE_URL=http://127.0.0.1:PORT node worker/bench/bench.mjs [runs]
// (worker/bench/run-local.sh starts a fresh server and runs this.)
import { gzipSync } from 'node:zlib';

const BASE = (process.env.TANFANG_BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '');
const RUNS = Number(process.argv[2] || 5);
const ELDERS = Number(process.env.BENCH_ELDERS || 10000);

async function call(method, path, { cookie, body } = {}) {
  const headers = {};
  if (cookie) headers.cookie = cookie;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload) headers['content-type'] = 'application/json';
  const start = performance.now();
  const res = await fetch(`${BASE}${path}`, { method, headers, body: payload });
  const text = await res.text();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return {
    ms,
    text,
    json: JSON.parse(text),
    headers: res.headers,
    requestBytes: payload ? Buffer.byteLength(payload) : 0,
    requestGzip: payload ? gzipSync(payload).length : 0,
    responseBytes: Buffer.byteLength(text),
    responseGzip: gzipSync(text).length,
  };
}

async function login(name) {
  const res = await fetch(`${BASE}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': `203.0.113.${Math.floor(Math.random() * 250)}` },
    body: JSON.stringify({ login: name, password: 'tanfang-demo-1' }),
  });
  if (!res.ok) throw new Error(`login ${name}: ${res.status}`);
  return res.headers.get('set-cookie').split(';')[0];
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => n.toLocaleString('en-US');

await call('POST', '/api/dev/seed');
const district = await login('district');
const count = await call('GET', '/api/elders?page_size=1', { cookie: district });
const missing = ELDERS - count.json.total;
if (missing > 0) {
  const t = performance.now();
  await call('POST', `/api/dev/bulk?elders=${missing}&community=120101002002`);
  console.error(`bulk-loaded ${missing} elders in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const total = (await call('GET', '/api/elders?page_size=1', { cookie: district })).json.total;

// Login time (PBKDF2-SHA256, 100,000 iterations, plus 2 D1 round trips) as seen by the client,
// against GET /api/me (session lookup only, 1 round trip) as the baseline.
const loginTimes = [];
const meTimes = [];
for (let i = 0; i < Math.max(RUNS, 10); i++) {
  let start = performance.now();
  await login('district');
  loginTimes.push(performance.now() - start);
  start = performance.now();
  await call('GET', '/api/me', { cookie: district });
  meTimes.push(performance.now() - start);
}

// Push of 100 visits by the district coordinator (elders in their subtree).
const elderIds = (await call('GET', '/api/elders?page_size=100&region=120101002002', { cookie: district })).json.items.map((e) => e.id);
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const pushes = [];
for (let run = 0; run < RUNS; run++) {
  const client = `bench-${Date.now()}-${run}`;
  const mutations = elderIds.map((id, i) => ({
    seq: i + 1,
    kind: 'visit.create',
    payload: { id: `bench-${run}-${Date.now()}-${i}`, elder_id: id, date: today, mode: 'home', duration_minutes: 30, suggestions: '按时服药，注意防寒保暖' },
  }));
  pushes.push(await call('POST', '/api/sync/push', { cookie: district, body: { client_id: client, mutations } }));
}

// Initial pull of the whole district.
const pulls = [];
for (let run = 0; run < RUNS; run++) {
  pulls.push(await call('GET', '/api/sync/pull?cursor=0', { cookie: district }));
}

const last = (list) => list[list.length - 1];
const report = {
  elders_in_scope: total,
  runs: RUNS,
  login_ms_median: Math.round(median(loginTimes)),
  me_ms_median: Math.round(median(meTimes)),
  push_100_visits: {
    ms_median: Math.round(median(pushes.map((p) => p.ms))),
    ms_min: Math.round(Math.min(...pushes.map((p) => p.ms))),
    request_bytes: last(pushes).requestBytes,
    request_gzip_bytes: last(pushes).requestGzip,
    response_bytes: last(pushes).responseBytes,
    response_gzip_bytes: last(pushes).responseGzip,
    d1_round_trips: Number(last(pushes).headers.get('x-d1-round-trips')),
    d1_statements: Number(last(pushes).headers.get('x-d1-statements')),
  },
  initial_pull_coordinator: {
    elders: last(pulls).json.elders.length,
    visits: last(pulls).json.visits.length,
    ms_median: Math.round(median(pulls.map((p) => p.ms))),
    ms_min: Math.round(Math.min(...pulls.map((p) => p.ms))),
    response_bytes: last(pulls).responseBytes,
    response_gzip_bytes: last(pulls).responseGzip,
    d1_round_trips: Number(last(pulls).headers.get('x-d1-round-trips')),
    d1_statements: Number(last(pulls).headers.get('x-d1-statements')),
  },
};
console.log(JSON.stringify(report, null, 2));
console.error(`push 100 visits: median ${report.push_100_visits.ms_median} ms, ${fmt(report.push_100_visits.request_gzip_bytes)} B gzip up, ${report.push_100_visits.d1_round_trips} round trips / ${report.push_100_visits.d1_statements} statements`);
console.error(`initial pull (${fmt(report.initial_pull_coordinator.elders)} elders): median ${report.initial_pull_coordinator.ms_median} ms, ${fmt(report.initial_pull_coordinator.response_gzip_bytes)} B gzip (${fmt(report.initial_pull_coordinator.response_bytes)} raw)`);
