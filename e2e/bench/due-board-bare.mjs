// The due board's first render in Chromium driven over a bare DevTools connection (issue 15):
// no Playwright. Prints a Markdown table.
//
//   TANFANG_BASE_URL=http://127.0.0.1:8787 node --experimental-websocket e2e/bench/due-board-bare.mjs
//
// Playwright attaches to every page it opens (network, runtime and log events for every request
// and console line) and opens each page in a fresh browser context; a coordinator's browser has
// neither. Here Chromium is started by hand and spoken to with five DevTools commands per load:
// open a tab, attach, add the first-row observer (console-bench.mjs's: a MutationObserver
// before the page's scripts, performance.now() from the navigation start), navigate, and read
// the time back once the whole board is in. The loads alternate between two kinds of tab,
// BENCH_LOADS (12) each after a cold one:
// - a new tab of the browser's own profile (as an office PC: the disk caches, and Chrome may
//   give a new tab of a site the renderer process it already has for that site);
// - a new tab of a new browser context (what Playwright gives: in-memory caches, a new process).
// Against a seeded `wrangler dev` (DEV_SEED=1) serving a release build; 20,000 elders for
// `coord2`, loaded as console-bench.mjs does.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fillScope, firstSeenScript, median, seededLogin, serverApi } from './server.mjs';

const base = (process.env.TANFANG_BASE_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '');
const loads = Number(process.env.BENCH_LOADS ?? 12);
const api = serverApi(base);
const { cookie } = await seededLogin(api, 'coord2', { 'cf-connecting-ip': '203.0.113.85' });
await fillScope(api, cookie);

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tanfang-bare-'));
const chromium = spawn('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--window-size=1280,900', '--lang=zh-CN', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
{ stdio: ['ignore', 'ignore', 'pipe'] });
const address = await new Promise((resolve, reject) => {
  let said = '';
  chromium.stderr.on('data', (chunk) => {
    said += chunk;
    const found = /DevTools listening on (ws:\S+)/.exec(said);
    if (found) resolve(found[1]);
  });
  chromium.on('exit', () => reject(new Error(`chromium exited: ${said}`)));
});
const socket = new WebSocket(address);
await new Promise((resolve) => socket.addEventListener('open', resolve));
let lastId = 0;
const waiting = new Map();
socket.addEventListener('message', (event) => {
  const message = JSON.parse(event.data);
  const waiter = waiting.get(message.id);
  if (!waiter) return;
  waiting.delete(message.id);
  if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
  else waiter.resolve(message.result);
});
const send = (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
  lastId += 1;
  waiting.set(lastId, { resolve, reject });
  socket.send(JSON.stringify({ id: lastId, method, params, sessionId }));
});

const [name, value] = cookie.split('=');
const { browserContextId: freshContext } = await send('Target.createBrowserContext', {});
for (const browserContextId of [undefined, freshContext]) {
  await send('Storage.setCookies', { cookies: [{ name, value, url: base }], browserContextId });
}
const observer = firstSeenScript('[data-testid="due-row"]');
const done = `JSON.stringify([window.__firstSeen,
  !!document.querySelector('[data-testid="due-count"][data-complete="true"]')])`;

/** One load of the board in a new tab of `browserContextId` (undefined: the profile's own). */
async function load(browserContextId) {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank', browserContextId });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Page.enable', {}, sessionId);
  await send('Page.addScriptToEvaluateOnNewDocument', { source: observer }, sessionId);
  await send('Page.navigate', { url: `${base}/coord/due` }, sessionId);
  for (let tries = 0; tries < 600; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = await send('Runtime.evaluate', { expression: done, returnByValue: true }, sessionId).catch(() => null);
    const [firstRow, whole] = JSON.parse(answer?.result?.value ?? '[null, false]');
    if (firstRow !== null && whole) {
      await send('Target.closeTarget', { targetId });
      return firstRow;
    }
  }
  throw new Error('the due board did not load in 60 s');
}

const kinds = [
  { label: 'new tab of the browser profile', context: undefined, times: [] },
  { label: 'new tab of a new browser context', context: freshContext, times: [] },
];
for (let round = 0; round <= loads; round++) {
  for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
    const time = await load(kind.context);
    if (round > 0) kind.times.push(time);
  }
}
console.log(`| due board, navigation → first rows drawn (bare DevTools, ${loads} loads each, alternated) | median | runs |`);
console.log('|---|---|---|');
for (const { label, times } of kinds) {
  console.log(`| ${label} | ${Math.round(median(times))} ms | ${times.map(Math.round).join(', ')} |`);
}
// The profile goes once Chromium has stopped writing to it.
await new Promise((resolve) => { chromium.on('exit', resolve); chromium.kill(); });
fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
