// ID numbers are masked; revealing one needs a reason and is written to the audit log.
import { test, expect, request as playwrightRequest } from '@playwright/test';
import { ConsolePage, account } from './fixtures/console';

// The console is an online office tool; the phone app's service worker is kept out of its tests.
test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('reveal asks for a reason, shows the full number and is audited', async ({ page, baseURL }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord/elders/elder-002');
  const idInput = page.getByTestId('f-id_number');
  await expect(idInput).toHaveValue(/^\d{6}\*+\d{3}[\dX]$/);

  await page.getByTestId('reveal-open').click();
  await expect(page.getByTestId('reveal-dialog')).toBeVisible();
  // Without a reason the server refuses, and the message is shown.
  await page.getByTestId('reveal-confirm').click();
  await expect(page.getByTestId('reveal-error')).toBeVisible();
  await expect(page.getByTestId('revealed-id')).toHaveCount(0);

  const reason = `核对残疾补贴 ${Date.now()}`;
  await page.getByTestId('reveal-reason').fill(reason);
  await page.getByTestId('reveal-confirm').click();
  await expect(page.getByTestId('revealed-id')).toHaveText(/^\d{17}[\dX]$/);
  await expect(idInput).toHaveValue(/^\d{17}[\dX]$/);

  // The admin's audit log has the reveal with the reason.
  const admin = await account(page.request, 'admin');
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { 'cf-connecting-ip': '203.0.113.77' } });
  const login = await api.post('/api/auth/login', { data: { login: admin.login, password: admin.password } });
  expect(login.ok()).toBeTruthy();
  const audit = await (await api.get('/api/audit?action=elder.reveal')).json();
  const entry = audit.entries.find((e: any) => e.target === 'elder-002' && e.detail?.reason === reason);
  expect(entry).toBeTruthy();
  await api.dispose();
});
