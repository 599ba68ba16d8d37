// A/B of two builds of the app on the due board's first render (issue 15), page by page.
//
//   node e2e/bench/due-board-ab.mjs DIST_A DIST_B      (two copies of `dist/`, after
//                                                       `cargo xtask build-worker`)
//
// On a shared two-core machine the same build's first render varies by a factor of two from one
// minute to the next, so two builds measured one after the other cannot be compared. Here both
// are served at once by two `wrangler dev` (ports 8821 and 8822, the worker of `worker/build`,
// each its own `dist/`) over one local D1 (a new one: migrations, seed, 20,000 elders for
// `coord2`), and one browser alternates between them page by page (the order flipped every
// other round), BENCH_BROWSERS (2) browsers × BENCH_LOADS (20) warm loads per build after a
// cold one. Prints each build's median first-row time (navigation → first due row in the DOM,
// as console-bench.mjs) and how often it was the faster of a pair.
import { chromium } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fillScope, median, recordFirstSeen, seededLogin, serverApi, watchFirstSeen } from './server.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dists = process.argv.slice(2).map((d) => path.resolve(d));
if (dists.length !== 2 || !dists.every((d) => fs.existsSync(path.join(d, 'index.html')))) {
  throw new Error('usage: node e2e/bench/due-board-ab.mjs DIST_A DIST_B (each a built dist/)');
}
const loads = Number(process.env.BENCH_LOADS ?? 20);
const browsers = Number(process.env.BENCH_BROWSERS ?? 2);
const ELDERS = 20000;
const wrangler = path.join(root, 'node_modules/.bin/wrangler');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tanfang-ab-'));
const state = path.join(work, 'state');
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

// worker/wrangler.toml with absolute paths and this build's assets.
function config(name, dist) {
  const text = fs.readFileSync(path.join(root, 'worker/wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = "${path.join(root, 'worker/build/worker/shim.mjs')}"`)
    .replace(/^directory = .*$/m, `directory = "${dist}"`)
    .replace(/^migrations_dir = .*$/m, `migrations_dir = "${path.join(root, 'worker/migrations')}"`);
  const file = path.join(work, `${name}.toml`);
  fs.writeFileSync(file, text);
  return file;
}

execFileSync(wrangler, ['d1', 'migrations', 'apply', 'tanfang', '--local', '--config', config('A', dists[0]), '--persist-to', state],
  { env, stdio: 'ignore' });
// One after the other: two wrangler dev starting at once get in each other's way.
const servers = [];
const stop = () => servers.forEach(({ child }) => { try { process.kill(-child.pid); } catch { /* gone */ } });
process.on('exit', stop);
for (const [i, dist] of dists.entries()) {
  const port = 8821 + i;
  const log = fs.openSync(path.join(work, `${i ? 'B' : 'A'}.log`), 'w');
  const child = spawn(wrangler, ['dev', '--config', config(i ? 'B' : 'A', dist), '--ip', '127.0.0.1', '--port', String(port),
    '--inspector-port', String(9231 + i), '--persist-to', state, '--var', 'DEV_SEED:1', '--show-interactive-dev-session=false'],
  { env, detached: true, stdio: ['ignore', log, log] });
  const base = `http://127.0.0.1:${port}`;
  servers.push({ base, child, dist });
  for (let tries = 0; ; tries++) {
    const status = await fetch(base + '/api/me').then((r) => r.status, () => 0);
    if (status === 401) break;
    if (tries > 240) throw new Error(`${base} did not start: see ${work}`);
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

const api = serverApi(servers[0].base);
const { cookie } = await seededLogin(api, 'coord2', { 'cf-connecting-ip': '203.0.113.78' });
await fillScope(api, cookie, ELDERS);

const times = servers.map(() => []);
for (let round = 0; round < browsers; round++) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', serviceWorkers: 'block' });
  const [name, value] = cookie.split('=');
  for (const { base } of servers) await context.addCookies([{ name, value, url: base }]);
  await recordFirstSeen(context);
  for (let load = 0; load <= loads; load++) {
    const order = (load + round) % 2 ? [1, 0] : [0, 1];
    for (const i of order) {
      const page = await context.newPage();
      const { seen } = await watchFirstSeen(page, '[data-testid="due-row"]', 60_000);
      await page.goto(servers[i].base + '/coord/due', { waitUntil: 'commit' });
      const at = await seen;
      await page.locator('[data-testid="due-count"][data-complete="true"]').waitFor({ timeout: 60_000 });
      await page.close();
      if (load > 0) times[i].push(at);
    }
  }
  await browser.close();
}
stop();

console.log(`| build (${ELDERS} elders for coord2, ${times[0].length} warm loads each, alternated) | first due row, median (min) | faster of the pair |`);
console.log('|---|---|---|');
servers.forEach(({ dist }, i) => {
  const wins = times[i].filter((t, n) => t < times[1 - i][n]).length;
  console.log(`| ${dist} | ${Math.round(median(times[i]))} ms (${Math.round(Math.min(...times[i]))} ms) | ${wins} of ${times[i].length} |`);
});
