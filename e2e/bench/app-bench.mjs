// App benchmark (headless Chromium through Playwright + CDP). Prints a Markdown table.
//
//   TANFANG_BASE_URL=http://127.0.0.1:8787 node e2e/bench/app-bench.mjs
//
// Measures, against a seeded `wrangler dev` serving a release build of the app:
// 1. First-load transfer: bytes received for a cold first load of /login, all requests and the
//    wasm + js + css among them (CDP
//    Network.loadingFinished encodedDataLength, i.e. as sent by the server — local wrangler dev
//    does not compress), and the gzip -9 and brotli -11 sizes of the phone bundle's shell files
//    in dist/ (what a compressing CDN would send). The office bundle (console, groups) must not
//    be among the requests; its size is printed apart.
// 2. Time to interactive Today list from a cold OFFLINE start with 50 elders under a 4× CPU
//    slowdown (Emulation.setCPUThrottlingRate 4, Network.emulateNetworkConditions offline):
//    navigation start → 50 items rendered, read from performance.now() in the page.
// 3. Saving a visit under the same 4× CPU slowdown: tap "保存探访" → the app's
//    `tanfang:visit-saved` performance mark (visit, outbox entry and draft removal committed in
//    one IndexedDB transaction), and → the elder card shown again.
import { chromium } from '@playwright/test';
import { median, seededLogin, serverApi } from './server.mjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const base = process.env.TANFANG_BASE_URL ?? 'http://127.0.0.1:8787';
const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const distDir = process.env.TANFANG_DIST ?? path.join(root, 'dist');
const ELDERS = 50;

const api = serverApi(base);

// A coordinator's device holds every elder of the community: top it up to 50 elders.
const { account: coordinator, cookie } = await seededLogin(api, 'coord');
const me = await (await api('/api/me', {}, cookie)).json();
const community = me.user.region?.code;
let pulled = await (await api('/api/sync/pull?cursor=0', {}, cookie)).json();
if (pulled.elders.length < ELDERS) {
  await api(`/api/dev/bulk?elders=${ELDERS - pulled.elders.length}&community=${community}`, { method: 'POST' });
  pulled = await (await api('/api/sync/pull?cursor=0', {}, cookie)).json();
}
const elderCount = pulled.elders.length;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const page = await context.newPage();

// 1. First-load transfer.
let cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
let transferred = 0;
const perUrl = new Map();
const urls = new Map();
cdp.on('Network.responseReceived', (event) => urls.set(event.requestId, event.response.url));
cdp.on('Network.loadingFinished', (event) => {
  transferred += event.encodedDataLength;
  const url = urls.get(event.requestId) ?? '?';
  perUrl.set(url, (perUrl.get(url) ?? 0) + event.encodedDataLength);
});
await page.goto(base + '/login', { waitUntil: 'networkidle' });
await page.getByTestId('login-page').waitFor();
const gzipSize = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const brotliSize = (file) => zlib.brotliCompressSync(fs.readFileSync(file), {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 },
}).length;
// A bundle's files are named after their content's hash (xtask build-app): found by prefix.
const pkgFile = (bin, suffix) => {
  const name = fs.readdirSync(path.join(distDir, 'pkg')).find((file) => file.startsWith(`${bin}-`) && file.endsWith(suffix));
  if (!name) throw new Error(`dist/pkg has no ${bin}-…${suffix}: run cargo xtask build-app`);
  return `pkg/${name}`;
};
const shellFiles = [pkgFile('tanfang_app', '_bg.wasm'), pkgFile('tanfang_app', '.js'), 'styles/app.css', 'index.html'];
const officeFiles = [pkgFile('tanfang_office', '_bg.wasm'), pkgFile('tanfang_office', '.js')];
const sum = (files, size) => files.reduce((total, file) => total + size(path.join(distDir, file)), 0);
const gzipTotal = sum(shellFiles, gzipSize);
const brotliTotal = sum(shellFiles, brotliSize);
const officeGzip = sum(officeFiles, gzipSize);
const wasmRaw = fs.statSync(path.join(distDir, shellFiles[0])).size;
const officeRequested = [...perUrl.keys()].filter((url) => url.includes('tanfang_office'));
if (officeRequested.length > 0) throw new Error(`the first load fetched the office bundle: ${officeRequested.join(', ')}`);

// Log in and let the first pull fill the device.
await page.getByTestId('login-name').fill(coordinator.login);
await page.getByTestId('login-password').fill(coordinator.password);
await page.getByTestId('login-submit').click();
await page.waitForFunction((n) => document.querySelectorAll('[data-testid="today-item"]').length >= n, elderCount, { timeout: 60_000 });
await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 30_000 }).catch(async () => {
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 30_000 });
});

// 2. Cold offline start under 4× CPU slowdown.
const startTimes = [];
for (let run = 0; run < runs; run++) {
  const cold = await context.newPage();
  const session = await context.newCDPSession(cold);
  await session.send('Network.enable');
  await session.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await session.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cold.goto(base + '/', { waitUntil: 'commit' });
  const ms = await cold.waitForFunction((n) => {
    const count = document.querySelectorAll('[data-testid="today-item"]').length;
    return count >= n ? performance.now() : false;
  }, elderCount, { timeout: 60_000, polling: 'raf' });
  startTimes.push(await ms.jsonValue());
  await cold.close();
}

// 3. Saving a visit under 4× CPU slowdown (offline: the save is local).
cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
const saveTimes = [];
const shownTimes = [];
for (let run = 0; run < runs; run++) {
  await page.goto(base + '/', { waitUntil: 'commit' });
  await page.getByTestId('today-item').first().click();
  await page.getByTestId('log-visit').click();
  await page.getByTestId('visit-save').waitFor();
  const before = await page.getByTestId('sync-pending').getAttribute('data-count');
  const [saved, shown] = await page.evaluate(() => new Promise((resolve) => {
    performance.clearMarks('tanfang:visit-saved');
    const start = performance.now();
    const observer = new MutationObserver(() => {
      if (document.querySelector('[data-testid="elder-card"]')) {
        observer.disconnect();
        const mark = performance.getEntriesByName('tanfang:visit-saved', 'mark')[0];
        resolve([mark ? mark.startTime - start : NaN, performance.now() - start]);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
    document.querySelector('[data-testid="visit-save"]').click();
  }));
  await page.waitForFunction((b) => document.querySelector('[data-testid="sync-pending"]')?.getAttribute('data-count') === String(Number(b) + 1), before);
  saveTimes.push(saved);
  shownTimes.push(shown);
}
await browser.close();

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(`| measure | result |`);
console.log(`|---|---|`);
console.log(`| first load of /login, bytes received (as served by wrangler dev, ${perUrl.size} requests) | ${kib(transferred)} |`);
const byKind = (pattern) => [...perUrl].filter(([url]) => pattern.test(new URL(url).pathname)).reduce((total, [, bytes]) => total + bytes, 0);
const codeBytes = byKind(/\.(wasm|js|css)$/);
const otherRequests = [...perUrl].filter(([url]) => !/\.(wasm|js|css)$/.test(new URL(url).pathname))
  .map(([url, bytes]) => `${new URL(url).pathname} ${bytes} B`).join(', ');
console.log(`| … of which wasm + js + css (the issue's measure) | ${kib(codeBytes)} = ${codeBytes} B; the rest: ${otherRequests} |`);
console.log(`| phone app shell gzip -9 (wasm + js + css + index.html) | ${kib(gzipTotal)} (wasm ${kib(wasmRaw)} raw) |`);
console.log(`| phone app shell brotli -11 (same files) | ${kib(brotliTotal)} |`);
console.log(`| office bundle gzip -9 (wasm + js; only on /coord, /groups, /join) | ${kib(officeGzip)} |`);
console.log(`| cold offline start → Today with ${elderCount} elders, CPU 4× slower, median of ${runs} | ${median(startTimes).toFixed(0)} ms (runs: ${startTimes.map((t) => t.toFixed(0)).join(', ')}) |`);
console.log(`| save a visit (tap → visit + outbox entry committed in IndexedDB, \`tanfang:visit-saved\` mark), CPU 4× slower, median of ${runs} | ${median(saveTimes).toFixed(0)} ms (runs: ${saveTimes.map((t) => t.toFixed(0)).join(', ')}) |`);
console.log(`| … and until the elder card is shown again, median of ${runs} | ${median(shownTimes).toFixed(0)} ms (runs: ${shownTimes.map((t) => t.toFixed(0)).join(', ')}) |`);
