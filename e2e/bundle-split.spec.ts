// The app ships as two wasm bundles (app/Cargo.toml): volunteers download only the phone
// bundle; the console's bundle loads when a coordinator opens /coord, and Back returns to the
// phone pages.
import { test, expect } from './fixtures/app';
import { account } from './fixtures/console';

function wasmRequests(page: import('@playwright/test').Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/pkg/')) urls.push(path);
  });
  return urls;
}

test('a volunteer never downloads the console bundle', async ({ app, page, volunteer }) => {
  const loaded = wasmRequests(page);
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.openFirstElder();
  await page.goBack();
  await expect(page.getByTestId('today-page')).toBeVisible();
  expect(loaded).toContainEqual(expect.stringMatching(/^\/pkg\/tanfang_app-[0-9a-f]{16}_bg\.wasm$/));
  expect(loaded.filter((path) => path.includes('tanfang_office'))).toEqual([]);
});

test('a coordinator opening the console gets the office bundle, and Back returns to Today', async ({ app, page }) => {
  const coordinator = await account(page.request, 'coord');
  const loaded = wasmRequests(page);
  await app.login(coordinator);
  expect(loaded.filter((path) => path.includes('tanfang_office'))).toEqual([]);
  await page.getByTestId('console-link').click();
  await expect(page).toHaveURL(/\/coord$/);
  await expect(page.getByTestId('console-nav')).toBeVisible();
  expect(loaded).toContainEqual(expect.stringMatching(/^\/pkg\/tanfang_office-[0-9a-f]{16}_bg\.wasm$/));
  await page.goBack();
  await expect(page.getByTestId('today-page')).toBeVisible();
});
