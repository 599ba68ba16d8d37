// Registry (一人一档) at scale: the list is virtualised — only the rows in view and a small
// buffer are in the DOM, scrolling draws later ones, and search finds an elder far down.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

// The console is an online office tool; the phone app's service worker is kept out of its tests.
test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

/** Most rows drawn at once: a 600 px box of 44 px rows (14 + 1) and 10 rows above and below. */
const MOST_DRAWN = 35;

test('the registry draws only the rows in view, scrolls to later ones and finds an elder far down', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('district', '/coord/elders');
  const all = await console.registryTotal();
  expect(all).toBeGreaterThanOrEqual(200);
  await expect(console.registryRows().first()).toBeVisible();
  expect(await console.registryRows().count()).toBeLessThanOrEqual(MOST_DRAWN);

  // The list's order is the compact list's; its last elder is far down and not drawn yet.
  const index = await (await page.request.get('/api/elders/index')).json();
  const col = (name: string) => index.columns.indexOf(name);
  const ids: string[] = index.rows.map((r: unknown[]) => r[col('id')]);
  const names: string[] = index.rows.map((r: unknown[]) => r[col('name')]);
  expect(ids.length).toBe(all);
  const row = (id: string) => page.locator(`[data-testid=registry-row][data-id="${id}"]`);
  await expect(row(ids[0])).toBeVisible();
  await expect(row(ids[ids.length - 1])).toHaveCount(0);

  // Scrolled to the bottom: the last elder is drawn, the first no longer, still few rows.
  await page.getByTestId('registry-scroll').evaluate((box) => {
    box.scrollTop = box.scrollHeight;
  });
  await expect(row(ids[ids.length - 1])).toBeVisible();
  await expect(row(ids[0])).toHaveCount(0);
  expect(await console.registryRows().count()).toBeLessThanOrEqual(MOST_DRAWN);

  // Search by the name of an elder far down the list (a name no other elder's name or address
  // contains): found at the top of the filtered list.
  const addresses: string[] = index.rows.map((r: unknown[]) => r[col('address')]);
  const unique = (text: string) =>
    names.filter((n) => n.includes(text)).length === 1 && !addresses.some((a) => a.includes(text));
  const far = [...names.keys()].reverse().find((i) => i > MOST_DRAWN && unique(names[i]));
  expect(far).toBeDefined();
  await page.getByTestId('registry-search').fill(names[far!]);
  await expect.poll(() => console.registryTotal()).toBe(1);
  await expect(row(ids[far!])).toBeVisible();
  await expect(console.registryRows()).toHaveCount(1);

  // Clearing the search brings the whole list back, from the top.
  await page.getByTestId('registry-search').fill('');
  await expect.poll(() => console.registryTotal()).toBe(all);
  await expect(row(ids[0])).toBeVisible();
});
