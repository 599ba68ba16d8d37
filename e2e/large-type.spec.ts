// 大字 (large type): a setting in settings that enlarges every text and button, kept across
// reloads and log-out (localStorage), applied as a root class.
import { test, expect } from './fixtures/app';

test('the 大字 setting enlarges the type and is kept after a reload', async ({ app, page, volunteer }) => {
  await app.login(volunteer);
  const rootSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  const normal = await rootSize();
  await app.gotoSettings();
  await page.getByTestId('large-type').check();
  await expect(page.locator('html')).toHaveClass(/large-type/);
  expect(await rootSize()).toBeGreaterThan(normal * 1.2);
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/large-type/);
  await expect(page.getByTestId('today-page').or(page.getByTestId('settings-page'))).toBeVisible();
  expect(await rootSize()).toBeGreaterThan(normal * 1.2);
  await app.gotoSettings();
  await expect(page.getByTestId('large-type')).toBeChecked();
  await page.getByTestId('large-type').uncheck();
  await expect(page.locator('html')).not.toHaveClass(/large-type/);
  expect(await rootSize()).toBe(normal);
});
