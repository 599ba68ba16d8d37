// Roster import in the browser (issue 10): headless Chromium through Playwright + CDP, against a
// seeded `wrangler dev` serving a build of the app. Prints a Markdown table.
//
//   TANFANG_BASE_URL=http://127.0.0.1:8787 node e2e/bench/import-bench.mjs [file.xlsx]
//
// The file (default: written here with the roster crate's example, 20,000 demo elders all in the
// seed's 新津社区 — `cargo run --release -p tanfang-roster --example demo_roster -- 20000 FILE
// 120101001001`) is chosen on /coord/import as the coordinator "coord"; one run is the time from
// the input's change event to the preview being shown (summary and first page of rows in the
// DOM), read from performance.now() in the page, split at the moments the stages change:
// upload (XMLHttpRequest upload events) → server check (the worker reads, checks, matches every
// row against the files in scope, until the answer's last byte: resource timing responseEnd) →
// answer parsed and drawn. The page is reloaded between runs;
// previews write nothing but an audit row, so every run sees the same data. No CPU throttling
// (coordinators use office PCs). Median of BENCH_RUNS (default 3) runs.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './server.mjs';

const base = (process.env.TANFANG_BASE_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 20000);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const XINJIN = '120101001001';

let file = process.argv[2];
if (!file) {
  file = path.join(os.tmpdir(), `tanfang-roster-${rows}-xinjin.xlsx`);
  execFileSync(
    'cargo',
    ['run', '-q', '--release', '-p', 'tanfang-roster', '--example', 'demo_roster', '--', String(rows), file, XINJIN],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}
const size = fs.statSync(file).size;


const seed = await (await fetch(`${base}/api/dev/seed`, { method: 'POST' })).json();
const who = seed.logins.find((entry) => entry.login === 'coord');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', serviceWorkers: 'block' });
await context.setExtraHTTPHeaders({ 'cf-connecting-ip': '203.0.113.77' });
const page = await context.newPage();
await page.goto(`${base}/coord/import`);
await page.getByTestId('console-login-name').fill(who.login);
await page.getByTestId('console-login-password').fill(who.password);
await page.getByTestId('console-login-submit').click();
await page.getByTestId('console-nav').waitFor();

const results = [];
let summary = '';
let answerBytes = 0;
for (let run = 0; run < runs; run++) {
  await page.goto(`${base}/coord/import`);
  await page.getByTestId('import-file').waitFor();
  // Timestamps taken in the page: the change event (capture phase, before the app's handler),
  // the upload stage done, the summary and rows in the DOM.
  await page.evaluate(() => {
    const marks = (window.__importMarks = {});
    document.addEventListener('change', () => { marks.chosen ??= performance.now(); }, { capture: true });
    const observer = new MutationObserver(() => {
      const now = performance.now();
      if (!marks.uploaded && document.querySelector('[data-stage="check"][data-state="active"]')) marks.uploaded = now;
      if (!marks.shown && document.querySelector('[data-testid="import-summary"]') && document.querySelector('[data-testid="import-row"]')) {
        marks.shown = now;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
  await page.getByTestId('import-file').setInputFiles(file);
  await page.waitForFunction(() => window.__importMarks.shown, undefined, { timeout: 180_000, polling: 200 });
  const marks = await page.evaluate(() => {
    // When the answer's last byte arrived (resource timing of the preview request).
    const entry = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/import/preview')).at(-1);
    return { ...window.__importMarks, answered: entry?.responseEnd, answerBytes: entry?.decodedBodySize };
  });
  summary = await page.getByTestId('import-summary').textContent();
  results.push({
    total: marks.shown - marks.chosen,
    upload: (marks.uploaded ?? marks.chosen) - marks.chosen,
    server: marks.uploaded && marks.answered ? marks.answered - marks.uploaded : NaN,
    draw: marks.answered ? marks.shown - marks.answered : NaN,
  });
  answerBytes = marks.answerBytes ?? 0;
}
await browser.close();

const list = (key) => results.map((r) => r[key].toFixed(0)).join(', ');
console.log(`| roster import in the browser (${path.basename(file)}, ${(size / 1e6).toFixed(2)} MB, ${summary.trim()}) | median of ${runs} | runs |`);
console.log(`|---|---|---|`);
console.log(`| choose file → preview shown | ${median(results.map((r) => r.total)).toFixed(0)} ms | ${list('total')} |`);
console.log(`| of which upload (to the last upload progress event) | ${median(results.map((r) => r.upload)).toFixed(0)} ms | ${list('upload')} |`);
console.log(`| of which server: read, check, match, answer received (${(answerBytes / 1e6).toFixed(2)} MB JSON) | ${median(results.map((r) => r.server)).toFixed(0)} ms | ${list('server')} |`);
console.log(`| of which page: parse the answer, draw summary + first ${200} rows | ${median(results.map((r) => r.draw)).toFixed(0)} ms | ${list('draw')} |`);
