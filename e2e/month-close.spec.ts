// Monthly close (月报): a district coordinator closes a month in the console, records a late
// visit for it afterwards with a reason, sees it listed as a correction next to the unchanged
// snapshot, and "recompute" answers 一致 (matches). Four months back, where no other spec
// writes visits.
import { request as playwrightRequest } from '@playwright/test';
import { test, expect } from './fixtures/app';
import { ConsolePage } from './fixtures/console';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

function monthBack(back: number): string {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
}

test('close a month, correct it with a reason, recompute matches', async ({ page, baseURL, volunteer }) => {
  const month = monthBack(4);
  // An elder of a volunteer with elders (which one depends on the specs before: coord-assign
  // hands all of 新津 to volunteer4) who counts in the rate (in scope, not declined).
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { 'cf-connecting-ip': '203.0.113.161' } });
  expect((await api.post('/api/auth/login', { data: { login: volunteer.login, password: volunteer.password } })).ok()).toBeTruthy();
  const pull = await (await api.get('/api/sync/pull?cursor=0')).json();
  const elder = pull.elders.find((e: any) => e.consent !== 'declined' && e.tier);
  await api.dispose();

  const console = new ConsolePage(page);
  await console.login('district', '/coord/months');
  await page.getByTestId('month-input').fill(month);
  const status = page.getByTestId('month-status');
  await expect(status).toHaveAttribute('data-closed', 'false');
  await expect(page.getByTestId('month-policy')).toHaveText('tianjin@1');

  await page.getByTestId('month-close').click();
  await expect(status).toHaveAttribute('data-closed', 'true');
  const snapshotRate = (await page.getByTestId('month-snapshot-rate').textContent())!.trim();
  await expect(page.getByTestId('month-no-corrections')).toBeVisible();

  // A late visit for the closed month: refused without a reason, naming it…
  await page.getByTestId('correction-elder').fill(elder.id);
  await page.getByTestId('correction-date').fill(`${month}-12`);
  await page.getByTestId('correction-mode').selectOption('home');
  await page.getByTestId('correction-submit').click();
  await expect(page.getByTestId('correction-error')).toContainText('reason');
  await expect(page.getByTestId('month-correction')).toHaveCount(0);

  // …and recorded as a correction with one; the snapshot keeps its figure.
  await page.getByTestId('correction-reason').fill('纸质记录漏登，补录');
  await page.getByTestId('correction-submit').click();
  await expect(page.getByTestId('correction-saved')).toBeVisible();
  const row = page.getByTestId('month-correction');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('纸质记录漏登，补录');
  await expect(row).toContainText(`${month}-12`);
  await expect(page.getByTestId('month-snapshot-rate')).toHaveText(snapshotRate);
  await expect(page.getByTestId('month-corrected-rate')).not.toHaveText(snapshotRate);

  await page.getByTestId('month-recompute').click();
  const result = page.getByTestId('month-recompute-result');
  await expect(result).toHaveAttribute('data-matches', 'true');
  await expect(result).toContainText('一致');
  await expect(result).toContainText('tianjin@1');
  await expect(page.getByTestId('month-difference')).toHaveCount(0);
});
