// Due board: due and overdue elders of this period, filters, grouping by visitor, reassign.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

// The console is an online office tool; the phone app's service worker is kept out of its tests.
test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('due board filters, groups and reassigns', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord/due');
  const count = await console.dueCount();
  const all = Number(await count.getAttribute('data-count'));
  expect(all).toBeGreaterThan(0);
  // Same count as the API gives for this coordinator.
  const api = await (await page.request.get('/api/due?limit=5000')).json();
  expect(all).toBe(api.items.length);
  // Declined elders are listed apart, never as due rows: counted at once, named on request.
  expect(api.declined.length).toBeGreaterThan(0);
  await expect(page.getByTestId('due-declined')).toHaveAttribute('data-count', String(api.declined.length));
  await expect(page.getByTestId('declined-row')).toHaveCount(0);
  await page.getByTestId('due-declined-toggle').click();
  await expect(page.getByTestId('declined-row')).toHaveCount(api.declined.length);
  const declined = await page.getByTestId('declined-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-elder')));
  expect(declined.sort()).toEqual(api.declined.map((d: any) => d.id).sort());
  const dueElders = await page.getByTestId('due-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-elder')));
  for (const id of declined) expect(dueElders).not.toContain(id);

  // Only overdue.
  await page.getByTestId('due-only-overdue').check();
  const overdue = api.items.filter((i: any) => i.status.overdue).length;
  await expect(count).toHaveAttribute('data-count', String(overdue));
  for (const state of await page.getByTestId('due-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))) {
    expect(state).toBe('overdue');
  }
  await page.getByTestId('due-only-overdue').uncheck();

  // Required mode: home visits only.
  await page.getByTestId('due-mode').selectOption('home');
  const home = api.items.filter((i: any) => i.status.requirement.mode === 'home').length;
  await expect(count).toHaveAttribute('data-count', String(home));
  await page.getByTestId('due-mode').selectOption('');

  // Category filter: the rows are a subset.
  await page.getByTestId('due-category').selectOption('solitary');
  await expect.poll(async () => Number(await count.getAttribute('data-count'))).toBeLessThan(all);
  await page.getByTestId('due-category').selectOption('');
  await expect(count).toHaveAttribute('data-count', String(all));

  // Group by visitor: nobody is assigned yet in the seed for some elders → "(未分配)" group.
  await page.getByTestId('due-by-visitor').click();
  const groups = await page.getByTestId('due-group').evaluateAll((g) => g.map((x) => x.getAttribute('data-name')));
  expect(groups.length).toBeGreaterThan(0);

  // Reassign the first row to volunteer6 from the board.
  const row = page.getByTestId('due-row').first();
  const elder = await row.getAttribute('data-elder');
  const people = await (await page.request.get('/api/people')).json();
  const v6 = people.people.find((p: any) => p.login === 'volunteer6');
  await row.getByTestId('due-reassign-select').selectOption(v6.id);
  await row.getByTestId('due-reassign').click();
  await expect(page.locator(`[data-testid=due-row][data-elder="${elder}"] [data-testid=due-responsible]`).first()).toHaveText(v6.name);
  const file = await (await page.request.get(`/api/elders/${elder}`)).json();
  expect(file.elder.responsible_visitor_id).toBe(v6.id);

  // Switching the language draws the rows again in it.
  await page.getByTestId('lang-en').click();
  const first = page.getByTestId('due-row').first();
  await expect(first.getByTestId('due-reassign')).toHaveText('Reassign');
  await expect(first.locator('.badge').first()).toHaveText(/^(Overdue|Due)$/);
  await page.getByTestId('lang-zh').click();
  await expect(first.getByTestId('due-reassign')).toHaveText('改派');
});
