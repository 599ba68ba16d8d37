// The page is reloaded (app killed) while a push is in flight, after the server committed it.
// The outbox lives in IndexedDB, so the reloaded app pushes again; the server sees a replay.
import { test, expect } from './fixtures/app';
import { apiAs, adminLogin, serverVisitsMarked, logVisit, expectExactlyOnce, deferred } from './fixtures/fault';

test.describe('reload mid-sync, without the service worker', () => {
  // The sync property is tested with the service worker blocked (the reload then loads from
  // the network); the service worker's own reload is tested below.
  test.use({ serviceWorkers: 'block' });

test('reloading during a committed push neither loses nor duplicates the visit', async ({ app, page, logins, volunteer, baseURL }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.expectPending(0);
  const api = await apiAs(baseURL!, adminLogin(logins));

  const committed = deferred();
  let first = true;
  await page.route('**/api/sync/push', async (route) => {
    if (!first) return route.continue();
    first = false;
    await route.fetch(); // the worker commits…
    committed.resolve();
    // …and the answer is held until the page is gone (the reload cancels this request).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await route.abort('connectionreset').catch(() => {});
  });
  await app.openFirstElder();
  const marker = `reload-${Date.now()}`;
  await logVisit(app, page, marker);
  await committed.promise;
  await page.reload();
  await expect(page.getByTestId('today-page').or(page.getByTestId('elder-card'))).toBeVisible();

  // The reloaded app syncs on start; if the held request is still queued, ask once more.
  await expect(async () => {
    await app.syncNow().catch(() => {});
    await app.expectPending(0);
  }).toPass({ timeout: 40_000 });
  expectExactlyOnce(await serverVisitsMarked(api, marker), [marker]);
  await api.dispose();
});
});

test('the app reloads once its service worker is installed', async ({ app, page, logins, volunteer }) => {
  // Regression test: sw.js used to pre-cache '/index.html', which the assets server answers
  // with a 307 to '/'; a service worker may not answer a navigation with a redirected
  // response, so every reload failed (net::ERR_FAILED) once it controlled the page. Fixed in
  // 5e0048a (pre-cache and serve '/').
  await app.login(volunteer);
  await app.waitForTodayList();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 20_000 });
  await page.reload();
  await expect(page.getByTestId('today-page')).toBeVisible();
});
