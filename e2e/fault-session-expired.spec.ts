// The session ends (expired or revoked on the server) while a visit waits in the outbox. The
// volunteer must be able to log in again and the visit must reach the server exactly once —
// never be lost to a forced log-out that wipes the phone.
import { test, expect, volunteerLogin } from './fixtures/app';
import { apiAs, serverVisitsMarked, logVisit, expectExactlyOnce } from './fixtures/fault';

test.use({ serviceWorkers: 'block' });

test('a visit queued when the session ends reaches the server after logging in again', async ({ app, page, context, logins, baseURL }) => {
  // Known gap (reported): on 401 the app only shows "登录已失效，请重新登录", the session stays
  // in IndexedDB, /login redirects to / while a session is stored, and the only way out is
  // Settings → log out, which wipes the queued visit. Remove this line once fixed.
  test.fail(true, 'no way to log in again without wiping the outbox');
  test.setTimeout(90_000);
  const volunteer = volunteerLogin(logins);
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.expectPending(0);

  await context.setOffline(true);
  await app.openFirstElder();
  const marker = `expired-${Date.now()}`;
  await logVisit(app, page, marker);
  await app.expectPending(1);

  // The server ends this device's session.
  const cookie = (await context.cookies()).find((c) => c.httpOnly);
  expect(cookie, 'session cookie').toBeTruthy();
  const api = await apiAs(baseURL!, volunteer);
  const revoke = await api.post('/api/auth/logout', { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
  expect(revoke.ok()).toBeTruthy();
  await context.setOffline(false);
  await app.syncNow();
  await expect(page.getByTestId('sync-error')).toContainText(/登录|log in/i);
  await app.expectPending(1);

  // Log in again (the way the app offers), without logging out.
  await page.goto('/login');
  await expect(page.getByTestId('login-page')).toBeVisible({ timeout: 5_000 });
  await page.getByTestId('login-name').fill(volunteer.login);
  await page.getByTestId('login-password').fill(volunteer.password);
  await page.getByTestId('login-submit').click();
  await app.expectPending(0);
  expectExactlyOnce(await serverVisitsMarked(api, marker), [marker]);
  await api.dispose();
});
