// The due board's first frame holds only what the coordinator sees: the rows in view of the
// scroll box, without the buffer rows below them, and no other request has started yet. Once
// the browser has painted them (ScrollBox::new in coord_registry.rs, CoordDuePage), the buffer
// rows are drawn and the visitors for the reassign menus are asked for. The first page counts
// the elders who declined visits without naming them; the rest of the board brings the names.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('the first frame draws the rows in view only; the buffer rows, the people and the declined names follow it', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord');
  // In the next load: when the first due row appears, note the time and, in the frame that
  // paints it, how many lines of the board the DOM holds.
  await page.addInitScript(() => {
    const seen: { at?: number; lines?: number; declined?: string | null; namesButton?: boolean } = {};
    (window as any).__firstFrame = seen;
    const observer = new MutationObserver(() => {
      if (seen.at === undefined && document.querySelector('[data-testid="due-row"]')) {
        seen.at = performance.now();
        observer.disconnect();
        seen.declined = document.querySelector('[data-testid="due-declined"]')?.getAttribute('data-count');
        seen.namesButton = !(document.querySelector('[data-testid="due-declined-toggle"]') as HTMLButtonElement).disabled;
        requestAnimationFrame(() => {
          seen.lines = document.querySelectorAll('[data-testid="due-scroll"] tbody tr:not(.spacer)').length;
        });
      }
    });
    observer.observe(document, { childList: true, subtree: true });
  });

  await page.goto('/coord/due');
  const count = await console.dueCount();
  const items = Number(await count.getAttribute('data-count'));
  // The seed's board is longer than the box shows plus its buffer, so both counts are windows.
  expect(items).toBeGreaterThan(30);
  const lines = page.locator('[data-testid="due-scroll"] tbody tr:not(.spacer)');
  // 600 px box, 44 px lines: 15 in view; 10 more below once painted.
  await expect(lines).toHaveCount(25);
  const first = await page.evaluate(() => (window as any).__firstFrame);
  expect(first.lines).toBe(15);

  // The people for the reassign menus were asked for after the first rows, not with them.
  const people = await page.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname === '/api/people').map((e) => e.startTime));
  expect(people).toHaveLength(1);
  expect(people[0]).toBeGreaterThan(first.at);
  await expect(page.getByTestId('due-reassign-select').first().locator('option')).not.toHaveCount(1);

  // The first frame counted the elders who declined, with the button to name them off until the
  // rest of the board brought the names.
  const api = await (await page.request.get('/api/due?limit=5000')).json();
  expect(api.declined.length).toBeGreaterThan(0);
  expect(first.declined).toBe(String(api.declined.length));
  expect(first.namesButton).toBe(false);
  await page.getByTestId('due-declined-toggle').click();
  await expect(page.getByTestId('declined-row')).toHaveCount(api.declined.length);
});
