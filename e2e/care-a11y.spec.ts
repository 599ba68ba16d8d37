// Accessibility of the care-loop pages (issue 9): the coordinator's 关爱闭环 board and the
// volunteer's emergency page — axe (WCAG 2.0/2.1 A+AA), no serious or critical violation.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures/app';
import { CareBoard } from './fixtures/care';

async function blocking(page: Page): Promise<string[]> {
  await page.waitForLoadState('networkidle').catch(() => {});
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
}

test.use({ serviceWorkers: 'block' });

test('care board and emergency page have no serious axe violations', async ({ app, page, volunteer, browser, baseURL }) => {
  const board = await CareBoard.open(browser, baseURL, 'coord');
  expect.soft(await blocking(board.page), 'coord/care').toEqual([]);
  await board.close();

  await app.login(volunteer);
  await app.waitForTodayList();
  await app.openFirstElder();
  await page.getByTestId('start-emergency').click();
  await expect(page.getByTestId('emergency-start')).toBeVisible();
  expect.soft(await blocking(page), 'emergency (before start)').toEqual([]);
});
