// Printing the due board (the list a coordinator hands out) prints every due elder, not only
// the rows the virtualised board draws on screen, and the names of those who declined visits,
// which the screen shows only on request; the reassign controls stay off the paper.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('printing the due board draws every due elder, then the board is virtualised again', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('district', '/coord/due');
  const count = await console.dueCount();
  const all = Number(await count.getAttribute('data-count'));
  const rows = page.getByTestId('due-row');
  await expect(rows.first()).toBeVisible();
  const onScreen = await rows.count();
  expect(all).toBeGreaterThan(onScreen);
  expect(all).toBeLessThanOrEqual(2000);
  const declined = Number(await page.getByTestId('due-declined').getAttribute('data-count'));
  expect(declined).toBeGreaterThan(0);
  await expect(page.getByTestId('declined-row')).toHaveCount(0);

  await page.emulateMedia({ media: 'print' });
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  await expect(rows).toHaveCount(all);
  await expect(page.getByTestId('declined-row')).toHaveCount(declined);
  await expect(page.locator('.due-table .reassign').first()).toBeHidden();
  const box = await page.getByTestId('due-scroll').evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight }));
  expect(box.scroll).toBeLessThanOrEqual(box.client + 1);

  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await page.emulateMedia({ media: 'screen' });
  await expect.poll(() => rows.count()).toBeLessThanOrEqual(onScreen);
  await expect(page.getByTestId('declined-row')).toHaveCount(0);
});
