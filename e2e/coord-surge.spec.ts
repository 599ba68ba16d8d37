// Surges (加密探访): declare one for an area and dates; it is listed and applies below.
import { test, expect, request as playwrightRequest } from '@playwright/test';
import { ConsolePage, QUANYECHANG, account } from './fixtures/console';

// The console is an online office tool; the phone app's service worker is kept out of its tests.
test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('declare a cold-wave surge for a street', async ({ page, baseURL }) => {
  const console = new ConsolePage(page);
  await console.login('district', '/coord/surges');
  await expect(page.getByTestId('surge-form')).toBeVisible();

  // Ending before it starts is refused, naming the problem.
  await page.getByTestId('surge-region').selectOption(QUANYECHANG);
  await page.getByTestId('surge-start').fill('2030-01-20');
  await page.getByTestId('surge-end').fill('2030-01-10');
  await page.getByTestId('surge-submit').click();
  await expect(page.getByTestId('surge-error')).toContainText('end_date');

  const note = `测试${Date.now() % 100000}`;
  await page.getByTestId('surge-reason').selectOption('surge.reason.cold');
  await page.getByTestId('surge-reason-text').fill(note);
  await page.getByTestId('surge-end').fill('2030-01-31');
  await page.getByTestId('surge-category-living_alone').check();
  await page.getByTestId('surge-mode').selectOption('home');
  await page.getByTestId('surge-per').selectOption('week');
  await page.getByTestId('surge-count').fill('2');
  await page.getByTestId('surge-submit').click();
  await expect(page.getByTestId('surge-created')).toBeVisible();
  const row = page.getByTestId('surge-row').filter({ hasText: note });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('寒潮');
  await expect(row).toContainText('劝业场街道');
  await expect(row).toContainText('独居');

  // The community coordinator below that street sees it too.
  const coord = await account(page.request, 'coord');
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { 'cf-connecting-ip': '203.0.113.78' } });
  expect((await api.post('/api/auth/login', { data: { login: coord.login, password: coord.password } })).ok()).toBeTruthy();
  const surges = (await (await api.get('/api/surges')).json()).surges;
  const found = surges.find((s: any) => s.title.includes(note));
  expect(found.region_code).toBe(QUANYECHANG);
  expect(found.requirement).toEqual({ kind: 'visit', mode: 'home', count: 2, per: 'week' });
  await api.dispose();
});
