// A visit logged with no network is saved on the phone, survives an offline reload (app shell
// from the service worker, data from IndexedDB), and reaches the server once back online —
// verified through the API, exactly once.
import { test, expect } from './fixtures/app';

test('log a visit offline, reload offline, then sync when online', async ({ app, page, context, volunteer, request }) => {
    await app.login(volunteer);
  await app.waitForTodayList();
  await app.waitForServiceWorker();
  await app.expectPending(0);

  await context.setOffline(true);
  await expect(page.getByTestId('sync-online')).toHaveText(/离线|Offline/);
  const elder = await app.openFirstElder();
  await app.startVisit();
  await app.choose('mode', 'phone');
  await app.choose('mood', 'better');
  await app.choose('gas', 'fairly_safe');
  const marker = `offline-e2e-${Date.now()}`;
  await page.getByTestId('visit-suggestions').fill(marker);
  await app.saveVisit();
  await app.expectPending(1);
  await expect(page.getByTestId('elder-visit').filter({ has: page.locator('.badge.pending') })).toHaveCount(1);

  // Reload with no network: shell from the service worker, the queued visit from IndexedDB.
  await page.reload();
  await expect(page.getByTestId('today-page').or(page.getByTestId('elder-card'))).toBeVisible();
  await app.expectPending(1);

  // Back online: the `online` event triggers a push, then a pull.
  await context.setOffline(false);
  await app.expectPending(0);
  await expect(page.getByTestId('sync-error')).toHaveCount(0);

  // The server has the visit exactly once, with the form's values.
  const loginResponse = await request.post('/api/auth/login', {
    data: { login: volunteer.login, password: volunteer.password },
  });
  expect(loginResponse.ok()).toBeTruthy();
  const pull = await (await request.get('/api/sync/pull?cursor=0')).json();
  const mine = (pull.visits as any[]).filter((visit) => visit.suggestions === marker);
  expect(mine).toHaveLength(1);
  expect(mine[0].elder_id).toBe(elder.id);
  expect(mine[0].mode).toBe('phone');
  expect(mine[0].mood).toBe('better');
  expect(mine[0].gas_safety).toBe('fairly_safe');
  expect(mine[0].expression).toBe('unchanged');
});
