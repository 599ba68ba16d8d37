// A half-filled visit form is kept as a draft in IndexedDB and restored after a reload.
import { test, expect } from './fixtures/app';

test('a half-filled visit form survives a reload', async ({ app, page, volunteer }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.openFirstElder();
  await app.startVisit();
  await app.choose('mobility', 'worse');
  await app.choose('illness', 'serious');
  await page.getByTestId('visit-illness-name').fill('高血压');
  await page.getByTestId('visit-needs').fill('需要助餐服务');
  // The draft is written 300 ms after the last change.
  await page.waitForTimeout(1000);

  await page.reload();
  await expect(page.getByTestId('visit-form')).toBeVisible();
  await expect(page.getByTestId('draft-restored')).toBeVisible();
  await expect(page.getByTestId('choice-mobility-worse')).toHaveClass(/selected/);
  await expect(page.getByTestId('visit-illness-name')).toHaveValue('高血压');
  await expect(page.getByTestId('visit-needs')).toHaveValue('需要助餐服务');

  // Saving the visit removes the draft: a new form starts clean.
  await app.saveVisit();
  await app.startVisit();
  await expect(page.getByTestId('draft-restored')).toHaveCount(0);
  await expect(page.getByTestId('choice-mobility-unchanged')).toHaveClass(/selected/);
});
