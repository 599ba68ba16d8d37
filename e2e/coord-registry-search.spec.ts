// Registry (一人一档): search by name, pinyin initials and address; filters narrow the list.
import { test, expect } from '@playwright/test';
import { ConsolePage, initialsOf } from './fixtures/console';

// The console is an online office tool; the phone app's service worker is kept out of its tests.
test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('registry search finds elders by name, pinyin initials and address', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('district', '/coord/elders');
  await expect(page.getByTestId('coord-registry')).toBeVisible();
  const all = await console.registryTotal();
  expect(all).toBeGreaterThanOrEqual(200);
  // Virtualised: only the rows in view (and a buffer) are drawn, never the whole registry
  // (coord-registry-virtual.spec.ts checks the bound and the scrolling).
  await expect(console.registryRows().first()).toBeVisible();
  expect(await console.registryRows().count()).toBeLessThan(all);
  // ID numbers only masked in the list.
  const masked = (await page.getByTestId('registry-id-masked').allTextContents()).filter((t) => t.trim() !== '');
  expect(masked.length).toBeGreaterThan(0);
  for (const text of masked) expect(text).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);

  // Pick an elder whose name has only unambiguous readings.
  const names = await page.getByTestId('registry-open').allTextContents();
  const name = names.find((n) => initialsOf(n) !== null)!;
  const initials = initialsOf(name)!;

  // By full Chinese name: every row carries that name.
  await page.getByTestId('registry-search').fill(name);
  await expect.poll(() => console.registryTotal()).toBeLessThan(all);
  for (const text of await page.getByTestId('registry-open').allTextContents()) {
    expect(text).toContain(name);
  }

  // By pinyin initials: the same elder is found.
  await page.getByTestId('registry-search').fill(initials);
  await expect.poll(() => console.registryTotal()).toBeLessThan(all);
  await expect(page.getByTestId('registry-open').filter({ hasText: name }).first()).toBeVisible();

  // By address: only the community on that road.
  await page.getByTestId('registry-search').fill('蓝天大街');
  await expect.poll(() => console.registryTotal()).toBe(50);
  for (const region of await console.registryRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-region')))) {
    expect(region).toBe('120101002001');
  }

  // Category filter combined with the search: every row shows the category.
  await page.getByTestId('registry-category').selectOption('solitary');
  await expect.poll(() => console.registryTotal()).toBeLessThan(50);
  const rows = console.registryRows();
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    await expect(rows.nth(i)).toContainText('孤寡');
  }

  // A search that matches nothing says so.
  await page.getByTestId('registry-search').fill('没有这个人');
  await expect(page.getByTestId('registry-empty')).toBeVisible();
});
