// Assigning a responsible visitor and a backup: in bulk by community (and tier), and one by one
// from an elder's file; the visitors' load and the registry show the result.
import { test, expect } from '@playwright/test';
import { ConsolePage, XINJIN } from './fixtures/console';

// The console is an online office tool; the phone app's service worker is kept out of its tests.
test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('bulk and single assignment', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord/people');
  await expect(page.getByTestId('people-table')).toBeVisible();
  const volunteer4 = page.getByTestId('person-row').filter({ has: page.locator('td', { hasText: /^volunteer4$/ }) });
  await expect(volunteer4).toHaveCount(1);
  const volunteer4Id = await volunteer4.getAttribute('data-id');
  const volunteer5Id = await page.locator('[data-testid=person-row][data-login=volunteer5]').getAttribute('data-id');

  // Same person as responsible and backup is refused by the server, shown on the form.
  await page.getByTestId('assign-community').selectOption(XINJIN);
  await page.getByTestId('assign-responsible').selectOption(volunteer4Id!);
  await page.getByTestId('assign-backup').selectOption(volunteer4Id!);
  await page.getByTestId('assign-only-unassigned').uncheck();
  await page.getByTestId('assign-submit').click();
  await expect(page.getByTestId('assign-error')).toBeVisible();

  // Whole community: every elder gets volunteer4 + volunteer5.
  await page.getByTestId('assign-backup').selectOption(volunteer5Id!);
  await page.getByTestId('assign-submit').click();
  const assigned = Number(await page.getByTestId('assign-result').getAttribute('data-assigned'));
  expect(assigned).toBeGreaterThanOrEqual(50);
  const list = await (await page.request.get(`/api/elders?region=${XINJIN}&page_size=500`)).json();
  expect(list.total).toBe(assigned);
  for (const elder of list.items) {
    expect(elder.responsible?.id).toBe(volunteer4Id);
    expect(elder.backup?.id).toBe(volunteer5Id);
  }
  // The load column follows.
  const load = page.locator('[data-testid=person-row][data-login=volunteer4] [data-testid=person-load]');
  await expect.poll(async () => Number((await load.textContent())!.split('/')[0])).toBeGreaterThanOrEqual(assigned);

  // One by one on a file: elder-010 goes to volunteer5 with no backup.
  await page.goto('/coord/elders/elder-010');
  await page.getByTestId('assign-one-responsible').selectOption(volunteer5Id!);
  await page.getByTestId('assign-one-backup').selectOption('');
  await page.getByTestId('assign-one-submit').click();
  await expect(page.getByTestId('assign-one-done')).toBeVisible();
  const file = await (await page.request.get('/api/elders/elder-010')).json();
  expect(file.elder.responsible_visitor_id).toBe(volunteer5Id);
  expect(file.elder.backup_visitor_ids).toEqual([]);

});
