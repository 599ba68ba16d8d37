// What the browser benches share: talking to the seeded server and the median of runs.

/** The middle value of `values` (the upper one of an even count). */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** A JSON client for the server at `base`; throws with the answer on any non-2xx. */
export function serverApi(base) {
  return async function api(pathname, init = {}, cookie) {
    const response = await fetch(base + pathname, {
      ...init,
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...(init.headers ?? {}) },
    });
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${pathname} → ${response.status} ${await response.text()}`);
    return response;
  };
}

/** Seeds the demo data (idempotent) and logs in as the seed account `login`: its entry and the
 * session cookie. */
export async function seededLogin(api, login, headers = {}) {
  const seed = await (await api('/api/dev/seed', { method: 'POST' })).json();
  const account = seed.logins.find((entry) => entry.login === login);
  const response = await api('/api/auth/login', {
    method: 'POST',
    headers,
    body: JSON.stringify({ login: account.login, password: account.password }),
  });
  return { account, cookie: response.headers.get('set-cookie').split(';')[0] };
}

/** The community the benches fill: 蓝天社区, the scope of the seed's `coord2`. */
export const LANTIAN = '120101002001';

/** Bulk-loads elders into `community` (`POST /api/dev/bulk`, 10,000 at a time) until the scope
 * of the session `cookie` holds `elders`, then reads the due board once: the first read after a
 * bulk load recomputes the new elders' due rows (the roll-over, issue 15), which the benches
 * leave outside their timings. Returns how many elders the scope holds and how long that read
 * took. */
export async function fillScope(api, cookie, elders = 20000, community = LANTIAN) {
  const inScope = async () => (await (await api('/api/elders?page_size=1', {}, cookie)).json()).total;
  let total = await inScope();
  while (total < elders) {
    await api(`/api/dev/bulk?elders=${Math.min(elders - total, 10000)}&community=${community}`, { method: 'POST' });
    total = await inScope();
  }
  const started = performance.now();
  await api('/api/due?limit=1&format=rows', {}, cookie);
  return { total, rollOverMs: performance.now() - started };
}

const FIRST_SEEN = 'tanfang-bench first seen ';

/** The page's side (run before the page's scripts): records when the first element matching
 * `window.__watch` appears (performance.now()) in `window.__firstSeen` and says so on the
 * console with `message`. */
function firstSeenObserver(message) {
  window.__firstSeen = null;
  const observer = new MutationObserver(() => {
    if (window.__firstSeen === null && window.__watch && document.querySelector(window.__watch)) {
      window.__firstSeen = performance.now();
      observer.disconnect();
      console.log(`${message}${window.__firstSeen}`);
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

/** Installs in `context` the script that records when the first element matching the page's
 * `window.__watch` appears: a bench waits for its console message rather than polling the
 * page, because Playwright's polling injects its own script into the page, whose compilation
 * (~60 ms of the main thread) would fall inside the load being timed. */
export async function recordFirstSeen(context) {
  await context.addInitScript(firstSeenObserver, FIRST_SEEN);
}

/** The same observer as a script's source, watching `selector` (`window.__firstSeen`), for a
 * bench that adds it to the page itself. */
export function firstSeenScript(selector) {
  return `window.__watch = ${JSON.stringify(selector)};\n(${firstSeenObserver})(${JSON.stringify(FIRST_SEEN)});`;
}

/** Before `page.goto` (in a context with `recordFirstSeen`): watches for `selector`; `seen`
 * resolves to the time it first appeared. */
export async function watchFirstSeen(page, selector, timeout = 120_000) {
  await page.addInitScript((s) => { window.__watch = s; }, selector);
  const seen = page.waitForEvent('console', { predicate: (m) => m.text().startsWith(FIRST_SEEN), timeout })
    .then((m) => Number(m.text().slice(FIRST_SEEN.length)));
  return { seen };
}
