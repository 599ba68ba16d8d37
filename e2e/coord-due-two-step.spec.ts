// The due board comes in two steps: the most urgent items first (drawn at once), then the
// whole board, which replaces them — the district coordinator's demo scope has more due items
// than the first step carries, so both steps run here.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('the due board draws the most urgent first, then the whole board', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('district', '/coord/due');
  const count = page.getByTestId('due-count');
  await expect(count).toHaveAttribute('data-complete', 'true', { timeout: 20_000 });
  await expect(page.getByTestId('due-loading-rest')).toHaveCount(0);
  const board = await (await page.request.get('/api/due?limit=5000')).json();
  expect(board.total, 'more due items than the first step (DUE_FIRST = 100) carries').toBeGreaterThan(100);
  await expect(count).toHaveAttribute('data-count', String(board.items.length));
});
