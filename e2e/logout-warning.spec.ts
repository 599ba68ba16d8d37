// Log-out with visits not yet synced warns and refuses; insisting logs out and wipes the
// device's IndexedDB data.
import { test, expect } from './fixtures/app';

async function countVisitsOnDevice(page: import('@playwright/test').Page): Promise<number> {
  return page.evaluate(() => new Promise<number>((resolve, reject) => {
    const open = indexedDB.open('tanfang');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('visits')) { db.close(); resolve(0); return; }
      const request = db.transaction('visits').objectStore('visits').count();
      request.onsuccess = () => { db.close(); resolve(request.result); };
      request.onerror = () => reject(request.error);
    };
  }));
}

test('log-out with unsynced visits warns, and wipes the device when insisted', async ({ app, page, context, volunteer }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.waitForServiceWorker();
  await context.setOffline(true);
  await app.openFirstElder();
  await app.startVisit();
  await app.saveVisit();
  await app.expectPending(1);

  await app.gotoSettings();
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('logout-warning')).toBeVisible();
  await page.getByTestId('logout-cancel').click();
  await expect(page.getByTestId('logout-warning')).toHaveCount(0);
  await expect(page.getByTestId('settings-account')).not.toBeEmpty();
  await app.expectPending(1);

  await page.getByTestId('logout').click();
  await page.getByTestId('logout-force').click();
  await expect(page.getByTestId('login-page')).toBeVisible();
  expect(await countVisitsOnDevice(page)).toBe(0);

  // Nothing of the old session is left: a reload stays on the log-in page.
  await context.setOffline(false);
  await page.reload();
  await expect(page.getByTestId('login-page')).toBeVisible();
});

test('log-out with everything synced needs no confirmation', async ({ app, page, volunteer }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.expectPending(0);
  await app.gotoSettings();
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-page')).toBeVisible();
  expect(await countVisitsOnDevice(page)).toBe(0);
});
