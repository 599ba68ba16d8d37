// The session ends (expired or revoked on the server) while a visit waits in the outbox. The
// volunteer must be able to log in again and the visit must reach the server exactly once —
// never be lost to a forced log-out that wipes the phone, nor handed to another account.
import { test, expect } from './fixtures/app';
import { apiAs, serverVisitsMarked, logVisit, expectExactlyOnce } from './fixtures/fault';

test.use({ serviceWorkers: 'block' });

test('a visit queued when the session ends reaches the server after logging in again', async ({ app, page, context, logins, volunteer, baseURL }) => {
  test.setTimeout(90_000);
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
  const revoker = await apiAs(baseURL!, volunteer);
  const revoke = await revoker.post('/api/auth/logout', { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
  expect(revoke.ok()).toBeTruthy();
  await revoker.dispose();
  await context.setOffline(false);
  // Back online, the app syncs by itself, meets the ended session, goes to the log-in page,
  // says why, and keeps the queued visit.
  await expect(page.getByTestId('login-page')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('session-ended')).toContainText(/登录已失效|session has ended/);
  await expect(page.getByTestId('session-ended-pending')).toHaveText('1');
  await expect(page.getByTestId('login-name')).toHaveValue(volunteer.login);

  // Another account may not take over the device while the visit waits.
  const other = logins.find((entry) => entry.role === 'volunteer' && entry.login !== volunteer.login)!;
  await page.getByTestId('login-name').fill(other.login);
  await page.getByTestId('login-password').fill(other.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('form-error')).toContainText(volunteer.login);
  await expect(page.getByTestId('session-ended-pending')).toHaveText('1');

  // The same account logs in again: the visit goes out, once.
  await page.getByTestId('login-name').fill(volunteer.login);
  await page.getByTestId('login-password').fill(volunteer.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('today-page')).toBeVisible();
  await app.expectPending(0);
  const api = await apiAs(baseURL!, volunteer);
  expectExactlyOnce(await serverVisitsMarked(api, marker), [marker]);
  await api.dispose();
});
