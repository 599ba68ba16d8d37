// A volunteer offline across a month's end: the phone saves a visit dated inside a month that
// has since been closed (no reason: the phone has no way to give one) and one dated today.
// Both sync — the sync bar shows all synced, the closed-month visit never blocks the outbox —
// and the district coordinator sees the first one held, 待补充原因 (awaiting a reason), in the
// month view, gives the reason, and it becomes a correction of the month. Five months back,
// where no other spec writes visits or closes a month.
import { test, expect } from './fixtures/app';
import { ConsolePage, account } from './fixtures/console';
import { request as playwrightRequest } from '@playwright/test';

function monthBack(back: number): string {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
}

test('a closed-month visit from a phone syncs, is held awaiting a reason, and the coordinator gives it', async ({ app, page, volunteer, baseURL, browser }) => {
  const month = monthBack(5);
  // The district coordinator closes the month (the volunteer's elders are in the district).
  const district = await account(page.request, 'district');
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { 'cf-connecting-ip': '203.0.113.171' } });
  expect((await api.post('/api/auth/login', { data: { login: district.login, password: district.password } })).ok()).toBeTruthy();
  const closed = await api.post(`/api/months/${month}/close`, { data: {} });
  expect(closed.status(), await closed.text()).toBe(200);
  await api.dispose();

  // The phone: a visit dated in the closed month, then one dated today.
  await app.login(volunteer);
  await app.waitForTodayList();
  const elder = await app.openFirstElder();
  await app.startVisit();
  await page.getByTestId('visit-date').fill(`${month}-18`);
  await app.choose('mode', 'home');
  await app.saveVisit();
  await app.startVisit();
  await app.choose('mode', 'phone');
  await app.saveVisit();

  // Both sync: nothing stays in the outbox, no error.
  await app.expectPending(0);
  await expect(app.pendingBadge()).toHaveText(/已全部同步|All synced/);
  await expect(page.getByTestId('sync-error')).toHaveCount(0);

  // The coordinator sees the closed-month visit held, awaiting a reason, not as a correction.
  const consolePage = await browser.newPage({ viewport: { width: 1280, height: 900 }, baseURL });
  const console = new ConsolePage(consolePage);
  await console.login('district', '/coord/months');
  await consolePage.getByTestId('month-input').fill(month);
  await expect(consolePage.getByTestId('month-status')).toHaveAttribute('data-closed', 'true');
  const held = consolePage.getByTestId('month-held-visit');
  await expect(held).toHaveCount(1);
  await expect(held).toContainText(`${month}-18`);
  await expect(held).toContainText(elder.name.trim());
  await expect(consolePage.getByTestId('month-no-corrections')).toBeVisible();

  // An empty reason is refused naming it; a real one makes it a correction of the month.
  await held.getByTestId('month-held-submit').click();
  await expect(held.getByTestId('month-held-error')).toContainText('reason');
  await held.getByTestId('month-held-reason').fill('志愿者离线跨月，月初才同步');
  await held.getByTestId('month-held-submit').click();
  await expect(consolePage.getByTestId('month-no-held')).toBeVisible();
  const row = consolePage.getByTestId('month-correction');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('志愿者离线跨月，月初才同步');
  await expect(row).toContainText(`${month}-18`);
  await consolePage.close();
});
