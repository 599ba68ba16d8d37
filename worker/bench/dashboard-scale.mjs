// Console at scale (issue 6), server side, against a running local `wrangler dev` (DEV_SEED=1):
//   1. the coordinator of 蓝天社区 (`coord2`) with 20,000 elders in scope: GET /api/elders/index
//      (the registry's compact list), GET /api/due (the due board), GET /api/elders?q= (the
//      paged server-side search, for comparison);
//   2. the district coordinator (`district`) over a city-sized subtree of 100,000 elders:
//      GET /api/stats/monthly for the current month, and the dashboard's whole load (the
//      current month and the 12 before it, 13 requests as coord_dashboard.rs makes them).
// Wall time seen by a node client on the same machine, median and min of RUNS; D1 round trips
// and statements from the x-d1-* headers.
//   3. the daily ladder pass over 和平区 (100,000 elders, POST /api/dev/ladder): the first pass of
//      the day after the bulk load, a second pass the same day, a pass the next day and a pass
//      on the first day of the next month (every row rolls over), each as wall / D1 wait /
//      worker time (wall − x-d1-ms), with the machine's load average.
// Usage: TANFANG_BASE_URL=http://127.0.0.1:PORT node worker/bench/dashboard-scale.mjs [runs]
// BENCH_LADDER_ONLY=1: load the data and time the first board read and the ladder passes only.
// BENCH_WORKERD_PID=<pid of the workerd that runs the worker> (Linux): also the CPU time that
// process used during each pass (utime + stime of its threads; the worker and local D1 run on
// the same thread, so this is worker + D1 CPU, without the time spent waiting for a core).
// Needs its own fresh server: it bulk-loads 100,000 elders (`cargo xtask bench` gives it one).
import os from 'node:os';

const BASE = (process.env.TANFANG_BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '');
const RUNS = Number(process.argv[2] || 5);
const COMMUNITY_ELDERS = Number(process.env.BENCH_COMMUNITY_ELDERS || 20000);
const CITY_ELDERS = Number(process.env.BENCH_CITY_ELDERS || 100000);
const LANTIAN = '120101002001';
const OTHERS = ['120101001001', '120101001002', '120101002002']; // 新津, 富明, 南营门
const LADDER_ONLY = process.env.BENCH_LADDER_ONLY === '1';

async function call(method, path, cookie) {
  const headers = cookie ? { cookie } : {};
  let start = performance.now();
  // A GET sent while local workerd restarts the isolate can hang for minutes: give it 60 s and
  // send it again.
  let res;
  for (let attempt = 1; ; attempt++) {
    try {
      res = await fetch(`${BASE}${path}`, { method, headers, signal: method === 'GET' ? AbortSignal.timeout(60000) : undefined });
      break;
    } catch (e) {
      if (method !== 'GET' || attempt >= 3) throw e;
      console.error(`${method} ${path}: no answer in 60 s (${e.name}), sent again`);
      start = performance.now();
    }
  }
  let text = await res.text();
  // Local workerd may restart the isolate after a long request: the next request gets a 503 at
  // once, before doing anything; send it again.
  if (res.status === 503 && /restarted/.test(text) && performance.now() - start < 1000) {
    console.error(`${method} ${path}: 503 (isolate restarted), sent again`);
    start = performance.now();
    res = await fetch(`${BASE}${path}`, { method, headers });
    text = await res.text();
  }
  const ms = performance.now() - start;
  if (!res.ok) throw Object.assign(new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`), { status: res.status });
  return {
    ms,
    text,
    bytes: Buffer.byteLength(text),
    roundTrips: Number(res.headers.get('x-d1-round-trips')),
    statements: Number(res.headers.get('x-d1-statements')),
    // Time the worker spent waiting for D1 (the rest of the wall time is its own work and HTTP).
    d1Ms: Number(res.headers.get('x-d1-ms')),
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

const total = async (cookie, region = '') =>
  JSON.parse((await call('GET', `/api/elders?page_size=1${region ? `&region=${region}` : ''}`, cookie)).text).total;

async function bulk(count, community) {
  let left = count;
  while (left > 0) {
    const n = Math.min(left, 10000);
    const t = performance.now();
    await call('POST', `/api/dev/bulk?elders=${n}&community=${community}`);
    console.error(`bulk-loaded ${n} elders into ${community} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    left -= n;
  }
}

async function timed(label, path, cookie) {
  const results = [];
  for (let run = 0; run < RUNS; run++) results.push(await call('GET', path, cookie));
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const last = results[results.length - 1];
  const row = {
    label,
    median_ms: Math.round(ms[Math.floor(ms.length / 2)]),
    min_ms: Math.round(ms[0]),
    runs_ms: results.map((r) => Math.round(r.ms)),
    response_bytes: last.bytes,
    d1_round_trips: last.roundTrips,
    d1_statements: last.statements,
    d1_wait_median_ms: [...results.map((r) => r.d1Ms)].sort((a, b) => a - b)[Math.floor(results.length / 2)],
  };
  console.error(`${label}: median ${row.median_ms} ms (min ${row.min_ms}, D1 wait ${row.d1_wait_median_ms} ms), ${row.response_bytes} B, ${row.d1_round_trips} round trips / ${row.d1_statements} statements`);
  return row;
}

await call('POST', '/api/dev/seed');
const coord2 = await login('coord2');
const district = await login('district');
const report = { runs: RUNS, rows: [] };

// 1. A community coordinator with 20,000 elders.
const inLantian = await total(coord2);
if (inLantian < COMMUNITY_ELDERS) await bulk(COMMUNITY_ELDERS - inLantian, LANTIAN);
report.community_elders = await total(coord2);
if (!LADDER_ONLY) try {
  report.rows.push(await timed(`GET /api/elders/index (${report.community_elders} elders)`, '/api/elders/index', coord2));
} catch (e) {
  if (e.status !== 404) throw e;
  console.error('GET /api/elders/index: not there (older build)');
}
if (!LADDER_ONLY) {
  report.rows.push(await timed('GET /api/elders?page_size=50 (paged list, page 1)', '/api/elders?page_size=50', coord2));
  report.rows.push(await timed('GET /api/elders?q=wxy&page_size=50 (server-side search)', '/api/elders?q=wxy&page_size=50', coord2));
}
// Issue 15: the first board read after the bulk load recomputes every stale row of the due
// state (the roll-over); later reads only read the table. Timed apart.
{
  const first = await call('GET', '/api/due?limit=5000&format=rows', coord2);
  report.due_first_read = { ms: Math.round(first.ms), d1_ms: first.d1Ms, statements: first.statements };
  console.error(`first GET /api/due after the bulk load (recomputes the stale due rows): ${report.due_first_read.ms} ms (D1 wait ${first.d1Ms} ms, ${first.statements} statements)`);
}
if (!LADDER_ONLY) {
  report.rows.push(await timed(`GET /api/due?limit=5000 (${report.community_elders} elders)`, '/api/due?limit=5000', coord2));
  report.rows.push(await timed(`GET /api/due?limit=5000&format=rows (${report.community_elders} elders, the board's compact answer)`, '/api/due?limit=5000&format=rows', coord2));
}

// 2. A city of 100,000 elders under the district coordinator.
const inDistrict = await total(district);
let missing = CITY_ELDERS - inDistrict;
for (let i = 0; i < OTHERS.length && missing > 0; i++) {
  const share = i === OTHERS.length - 1 ? missing : Math.ceil(missing / (OTHERS.length - i));
  await bulk(share, OTHERS[i]);
  missing -= share;
}
report.city_elders = await total(district);
if (!LADDER_ONLY) {
  const month = (offset) => {
    const now = new Date(Date.now() + 8 * 3600 * 1000);
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - offset, 1));
    return d.toISOString().slice(0, 7);
  };
  // The first request of a month that has no tally cells yet fills them in; time it apart.
  const first = await call('GET', `/api/stats/monthly?region=120101000000&month=${month(13)}`, district);
  report.first_fill_ms = Math.round(first.ms);
  console.error(`first read of a month without cells (fills them): ${report.first_fill_ms} ms`);
  report.rows.push(await timed(`GET /api/stats/monthly, current month (${report.city_elders} elders)`, '/api/stats/monthly?region=120101000000', district));
  const dashboard = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    for (let m = 12; m >= 0; m--) await call('GET', `/api/stats/monthly?region=120101000000&month=${month(m)}`, district);
    dashboard.push(performance.now() - start);
  }
  dashboard.sort((a, b) => a - b);
  report.rows.push({
    label: `dashboard load: 13 × GET /api/stats/monthly, sequential (${report.city_elders} elders)`,
    median_ms: Math.round(dashboard[Math.floor(dashboard.length / 2)]),
    min_ms: Math.round(dashboard[0]),
    runs_ms: dashboard.map(Math.round),
  });
  console.error(`dashboard load (13 months): median ${report.rows.at(-1).median_ms} ms (min ${report.rows.at(-1).min_ms})`);
}

// Issue 15: the daily ladder pass over the whole district (POST /api/dev/ladder, DEV_SEED only:
// the scheduled trigger's pass, as of today, for every community). The first pass after the bulk
// load also recomputes the due rows the board has not read yet and writes every step reached;
// the next passes of the same day are the steady state (rows fresh, steps written). Worker time
// = wall time − time waiting for D1 (x-d1-ms).
const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const shift = (date, days) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const nextMonth = (() => {
  const d = new Date(`${today}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
})();
const WORKERD = process.env.BENCH_WORKERD_PID;
const cpuMs = () => {
  if (!WORKERD) return null;
  const fs = globalThis.process.getBuiltinModule('node:fs');
  let ticks = 0;
  for (const task of fs.readdirSync(`/proc/${WORKERD}/task`)) {
    const stat = fs.readFileSync(`/proc/${WORKERD}/task/${task}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  }
  return ticks * 10; // USER_HZ = 100
};
const passes = [
  ['first pass of the day after the bulk load', today],
  ['second pass the same day', today],
  ['pass on the next day', shift(today, 1)],
  ['pass on the first day of the next month (every row rolls over)', nextMonth],
  ['second pass on that day', nextMonth],
];
report.ladder = [];
for (const [label, day] of passes) {
  const load = os.loadavg().map((l) => l.toFixed(2));
  let start = performance.now();
  let cpuStart = cpuMs();
  const pass = () => fetch(`${BASE}/api/dev/ladder`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ today: day, region: '120101' }) });
  let res = await pass();
  let text = await res.text();
  let restarted = false;
  // Local workerd restarts the isolate after a request that ran for minutes, and the request
  // after it gets a 503 at once ("Your worker restarted mid-request"): send it again, as the
  // message says, and time the second attempt.
  if (res.status === 503 && /restarted/.test(text)) {
    restarted = true;
    start = performance.now();
    cpuStart = cpuMs();
    res = await pass();
    text = await res.text();
  }
  const ms = performance.now() - start;
  const cpu = WORKERD ? cpuMs() - cpuStart : null;
  if (!res.ok) {
    console.error(`ladder ${label} (${day}): ${res.status} ${text.slice(0, 300)}`);
    report.ladder.push({ label, day, ms: Math.round(ms), status: res.status, error: text.slice(0, 300), load_before: load });
    continue;
  }
  const d1 = Number(res.headers.get('x-d1-ms'));
  const row = { label, day, ms: Math.round(ms), d1_ms: d1, worker_ms: Math.round(ms - d1), round_trips: Number(res.headers.get('x-d1-round-trips')),
    statements: Number(res.headers.get('x-d1-statements')), outcome: JSON.parse(text).outcome,
    load_before: load, load_after: os.loadavg().map((l) => l.toFixed(2)), ...(restarted ? { retried_after_503: true } : {}),
    ...(cpu === null ? {} : { workerd_cpu_ms: cpu }) };
  report.ladder.push(row);
  console.error(`ladder ${label} (${day})${restarted ? ' [sent again after a 503]' : ''} over ${report.city_elders} elders: ${row.ms} ms (D1 wait ${d1} ms, worker ${row.worker_ms} ms${cpu === null ? '' : `, workerd CPU ${cpu} ms`}), ${row.round_trips} round trips / ${row.statements} statements, load ${load.join(' ')} → ${row.load_after.join(' ')}, ${JSON.stringify(row.outcome)}`);
}
console.log(JSON.stringify(report, null, 2));
