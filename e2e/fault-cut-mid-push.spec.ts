// The connection breaks while the phone pushes (the request never reaches the server): the
// visit stays queued on the phone, and the next sync delivers it exactly once.
import { test, expect } from './fixtures/app';
import { apiAs, adminLogin, serverVisitsMarked, logVisit, expectExactlyOnce, pushBody } from './fixtures/fault';

test('a push cut before it reaches the server is retried, the visit lands once', async ({ app, page, logins, volunteer, baseURL }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.expectPending(0);

  const attempts: number[][] = [];
  await page.route('**/api/sync/push', async (route) => {
    attempts.push(pushBody(route).mutations.map((m) => m.seq));
    await route.abort('connectionreset');
  });
  await app.openFirstElder();
  const marker = `cut-${Date.now()}`;
  await logVisit(app, page, marker);
  await expect.poll(() => attempts.length, { timeout: 20_000 }).toBeGreaterThan(0);
  await app.expectPending(1);
  await expect(page.getByTestId('sync-error')).toBeVisible();

  const api = await apiAs(baseURL!, adminLogin(logins));
  expect(await serverVisitsMarked(api, marker)).toHaveLength(0);

  await page.unroute('**/api/sync/push');
  await app.syncNow();
  await app.expectPending(0);
  expectExactlyOnce(await serverVisitsMarked(api, marker), [marker]);
  await api.dispose();
});
