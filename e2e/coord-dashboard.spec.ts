// Dashboard: 月探访率 now and for 12 months, by region and tier, declined apart, drill-down
// district → street → community, charts readable without colour, time of the tallies.
import { test, expect } from '@playwright/test';
import { ConsolePage, HEPING, QUANYECHANG, XINJIN } from './fixtures/console';

// The console is an online office tool; the phone app's service worker is kept out of its tests.
test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('district dashboard with drill-down', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('district', '/coord');
  await expect(page.getByTestId('coord-dashboard')).toBeVisible();
  await expect(page.getByTestId('dash-region')).toHaveText('和平区');

  // Headline figures equal the API's report for this month.
  const stats = await (await page.request.get(`/api/stats/monthly?region=${HEPING}`)).json();
  await expect(page.getByTestId('kpi-in-scope')).toContainText(String(stats.report.in_scope));
  await expect(page.getByTestId('kpi-visited')).toContainText(String(stats.report.visited));
  await expect(page.getByTestId('kpi-declined')).toContainText(String(stats.report.declined));
  await expect(page.getByTestId('dash-updated')).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

  // One bar per street, each labelled with its number (no colour needed).
  const bars = page.locator('[data-testid=dash-region-chart] [data-testid=chart-bar]');
  await expect(bars).toHaveCount(2);
  await expect(bars.first()).toContainText('%');
  // Trend: this month and the 12 before it.
  await expect(page.locator('[data-testid=dash-trend-chart] [data-testid=chart-point]')).toHaveCount(13);
  await expect(page.getByTestId('dash-trend-row')).toHaveCount(13);
  // By tier.
  expect(await page.getByTestId('dash-tier-row').count()).toBeGreaterThan(0);

  // Drill down: street, then community.
  await page.locator(`[data-testid=chart-bar][data-key="${QUANYECHANG}"]`).click();
  await expect(page.getByTestId('dash-region')).toHaveText('劝业场街道');
  await expect(bars).toHaveCount(2);
  await page.locator(`[data-testid=chart-bar][data-key="${XINJIN}"]`).click();
  await expect(page.getByTestId('dash-region')).toHaveText('新津社区');
  await expect(page.getByTestId('dash-leaf')).toBeVisible();
  const community = await (await page.request.get(`/api/stats/monthly?region=${XINJIN}`)).json();
  await expect(page.getByTestId('kpi-in-scope')).toContainText(String(community.report.in_scope));

  // Back up one level.
  await page.getByTestId('dash-up').click();
  await expect(page.getByTestId('dash-region')).toHaveText('劝业场街道');
});
