// Printing the registry prints every elder of the list, not only the rows the virtualised
// table draws on screen: between `beforeprint` and `afterprint` all rows are drawn, and on
// paper the list is not cut by the scroll box.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

/** Most rows drawn at once on screen (as in coord-registry-virtual.spec.ts). */
const MOST_DRAWN = 35;

test('printing the registry draws every row, then the screen list is virtualised again', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('district', '/coord/elders');
  const all = await console.registryTotal();
  expect(all).toBeGreaterThan(MOST_DRAWN);
  expect(all).toBeLessThanOrEqual(2000);
  await expect(console.registryRows().first()).toBeVisible();
  expect(await console.registryRows().count()).toBeLessThanOrEqual(MOST_DRAWN);

  // What the browser does when the user prints (the console's 打印 button calls window.print()).
  await page.emulateMedia({ media: 'print' });
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  await expect(console.registryRows()).toHaveCount(all);
  // The print style lets the list run over the pages: the box is as tall as its content.
  const box = await page.getByTestId('registry-scroll').evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight }));
  expect(box.scroll).toBeLessThanOrEqual(box.client + 1);
  expect(box.client).toBeGreaterThan(600);
  await expect(page.getByTestId('print-cut')).toHaveCount(0);

  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await page.emulateMedia({ media: 'screen' });
  await expect.poll(() => console.registryRows().count()).toBeLessThanOrEqual(MOST_DRAWN);
});
