// Screenshots of every main volunteer page at 360×740, attached to the report and saved in
// e2e/artifacts/ for review.
import * as path from 'node:path';
import { test, expect, screenshot } from './fixtures/app';

const DOCS = path.join(__dirname, '..', 'docs');

test('screenshots of the main pages at 360x740', async ({ app, page, volunteer }, testInfo) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await app.gotoLogin();
  await screenshot(page, testInfo, '01-login');
  await app.login(volunteer);
  await app.waitForTodayList();
  await screenshot(page, testInfo, '02-today');
  await page.screenshot({ path: path.join(DOCS, 'screenshot-today-360.png') });
  await app.openFirstElder();
  await screenshot(page, testInfo, '03-elder-card');
  await app.startVisit();
  await screenshot(page, testInfo, '04-visit-form');
  await page.screenshot({ path: path.join(DOCS, 'screenshot-visit-form-360.png') });
  await page.getByTestId('visit-save').scrollIntoViewIfNeeded();
  await screenshot(page, testInfo, '05-visit-form-bottom');
  await page.getByTestId('nav-hours').click();
  await expect(page.getByTestId('hours-page')).toBeVisible();
  await screenshot(page, testInfo, '06-hours');
  await page.getByTestId('open-certificate').click();
  await expect(page.getByTestId('certificate-page')).toBeVisible();
  await screenshot(page, testInfo, '07-certificate');
  await app.gotoSettings();
  await screenshot(page, testInfo, '08-settings');
  await expect(page.getByTestId('nav-today')).toHaveText('今日探访');
  await page.getByTestId('lang-en').click();
  // Texts follow the switch at once, without a reload.
  await expect(page.getByTestId('nav-today')).toHaveText('Today');
  await page.getByTestId('nav-today').click();
  await app.waitForTodayList();
  await screenshot(page, testInfo, '09-today-english');
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('lang-zh').click();
  await expect(page.getByTestId('nav-settings')).toHaveText('设置');
});
