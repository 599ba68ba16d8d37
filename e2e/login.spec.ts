// Log-in with a demo volunteer account shows Today with the assigned elders; a wrong password
// is refused with a plain message and no session.
import { test, expect } from './fixtures/app';

test('a volunteer logs in and sees the assigned elders', async ({ app, page, volunteer }) => {
    await app.login(volunteer);
  await app.waitForTodayList();
  expect(await app.todayItems().count()).toBeGreaterThan(0);
  await expect(page.getByTestId('sync-bar')).toBeVisible();
  await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-count', '0');
});

test('a wrong password is refused', async ({ app, page, volunteer }) => {
    await app.gotoLogin();
  await page.getByTestId('login-name').fill(volunteer.login);
  await page.getByTestId('login-password').fill('wrong-password');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('form-error')).toBeVisible();
  await expect(page.getByTestId('today-page')).toHaveCount(0);
});
