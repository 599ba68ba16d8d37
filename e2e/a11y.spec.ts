// Accessibility: axe-core (WCAG 2.0/2.1 A+AA rules) on every main page, phone viewport.
// A page passes when axe finds no "serious" or "critical" violation; every violation (of any
// impact) is attached to the report with its selectors so designers can fix the minor ones too.
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures/app';
import { ConsolePage } from './fixtures/console';

type Violation = { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] };

async function audit(page: Page, testInfo: TestInfo, name: string) {
  // Let Leptos finish rendering (fonts, late signals) before the scan.
  await page.waitForLoadState('networkidle').catch(() => {});
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const violations = results.violations as Violation[];
  const lines = violations.map(
    (v) =>
      `${v.impact ?? '?'} ${v.id} (${v.help}): ${v.nodes
        .map((n) => JSON.stringify(n.target))
        .slice(0, 8)
        .join(' ')}`,
  );
  await testInfo.attach(`axe-${name}`, {
    body: lines.length ? lines.join('\n') : 'no violations',
    contentType: 'text/plain',
  });
  if (lines.length) console.log(`[a11y] ${name}\n  ${lines.join('\n  ')}`);
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  // Soft: one page's violations do not hide the next page's.
  expect.soft(
    blocking.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`),
    `serious/critical axe violations on ${name}`,
  ).toEqual([]);
}

test.describe('accessibility (axe, no serious or critical violations)', () => {
  // Accessibility does not depend on the service worker; blocking it keeps page.goto working
  // (see the report: navigations served by sw.js fail once it is installed).
  test.use({ serviceWorkers: 'block' });

  test('login page', async ({ app, page }, testInfo) => {
    await app.gotoLogin();
    await audit(page, testInfo, 'login');
  });

  test('today list', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.waitForTodayList();
    await audit(page, testInfo, 'today');
  });

  test('elder card', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.waitForTodayList();
    await app.openFirstElder();
    await audit(page, testInfo, 'elder-card');
  });

  test('visit form', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.waitForTodayList();
    await app.openFirstElder();
    await app.startVisit();
    await audit(page, testInfo, 'visit-form');
  });

  test('visit form showing its validation errors', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.waitForTodayList();
    await app.openFirstElder();
    await app.startVisit();
    await page.getByTestId('visit-save').click();
    await audit(page, testInfo, 'visit-form-errors');
  });

  test('my hours and certificate', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await page.getByTestId('nav-hours').click();
    await expect(page.getByTestId('hours-page')).toBeVisible();
    await audit(page, testInfo, 'hours');
    await page.getByTestId('open-certificate').click();
    await expect(page.getByTestId('certificate-page')).toBeVisible();
    await audit(page, testInfo, 'certificate');
  });

  test('settings', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.gotoSettings();
    await audit(page, testInfo, 'settings');
  });

  test('coordinator console pages', async ({ page }, testInfo) => {
    const console_ = new ConsolePage(page);
    await page.goto('/coord');
    await expect(page.getByTestId('console-login')).toBeVisible();
    await audit(page, testInfo, 'coord-login');
    await console_.login('coord');
    await audit(page, testInfo, 'coord-dashboard');
    for (const path of ['/coord/elders', '/coord/due', '/coord/people', '/coord/regions', '/coord/surges']) {
      await console_.goto(path);
      await audit(page, testInfo, path.replaceAll('/', '-').slice(1));
    }
    await console_.goto('/coord/elders');
    const firstRow = console_.registryRows().first();
    await expect(firstRow).toBeVisible();
    await firstRow.getByRole('link').first().click();
    await expect(page).toHaveURL(/\/coord\/elders\/[^/]+$/);
    await audit(page, testInfo, 'coord-elder');
  });

  test('group pages', async ({ page }, testInfo) => {
    for (const path of ['/groups', '/groups/register', '/join']) {
      await page.goto(path);
      await expect(page.locator('[data-testid]').first()).toBeVisible();
      await audit(page, testInfo, path.replaceAll('/', '-').slice(1));
    }
  });
});
