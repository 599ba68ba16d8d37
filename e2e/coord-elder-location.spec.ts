// The home's coordinates (住址坐标) are entered on the elder's file in the console, as
// "纬度, 经度" pasted from a map: text that does not read as a point is named at the field and
// blocks saving (the old point is never silently kept); a good point is saved, shown again on
// reload, and is what the visit evidence compares home visits with.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

const ELDER = 'elder-006';

test('a coordinator enters the home coordinates on the file', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', `/coord/elders/${ELDER}`);
  const field = page.getByTestId('f-location');
  await expect(field).toBeVisible();

  const puts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().includes(`/api/elders/${ELDER}`)) puts.push(r.url());
  });

  // Longitude first: the latitude is out of range, named at the field; saving sends nothing.
  await field.fill('117.2000, 39.1200');
  await expect(page.getByTestId('err-location')).toContainText('纬度');
  await page.getByTestId('file-save').click();
  await expect(page.getByTestId('file-saved')).toHaveCount(0);
  expect(puts).toHaveLength(0);

  // The right order saves.
  await field.fill('39.12, 117.2');
  await expect(page.getByTestId('err-location')).toHaveCount(0);
  await page.getByTestId('file-save').click();
  await expect(page.getByTestId('file-saved')).toBeVisible();
  expect(puts).toHaveLength(1);
  const saved = await (await page.request.get(`/api/elders/${ELDER}`)).json();
  expect(saved.elder.location).toEqual({ lat: 39.12, lon: 117.2 });

  await page.reload();
  await expect(page.getByTestId('f-location')).toHaveValue('39.12, 117.2');

  // Emptied, the file holds no point again.
  await page.getByTestId('f-location').fill('');
  await page.getByTestId('file-save').click();
  await expect(page.getByTestId('file-saved')).toBeVisible();
  const cleared = await (await page.request.get(`/api/elders/${ELDER}`)).json();
  expect(cleared.elder.location ?? null).toBeNull();
});
