// The console signs in with the server's cookie alone: its pages are drawn without waiting for
// the device's IndexedDB session, which only the phone's pages need (app.rs, DeviceSession).
// Here IndexedDB never answers: the due board is drawn all the same, the phone's log-in page
// waits for the device session.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('the console is drawn while IndexedDB has not answered, the phone pages wait for it', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord');
  // From now on, opening the device's database never completes.
  await page.addInitScript(() => {
    const pending = () => Object.assign(new EventTarget(), { readyState: 'pending', result: undefined, error: null });
    Object.defineProperty(window, 'indexedDB', { configurable: true, value: { open: pending, deleteDatabase: pending } });
  });

  await page.goto('/coord/due');
  await expect(page.getByTestId('console-nav')).toBeVisible();
  await expect(page.getByTestId('due-row').first()).toBeVisible();

  await page.goto('/login');
  await expect(page.getByTestId('loading')).toBeVisible();
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('loading')).toBeVisible();
  await expect(page.getByTestId('login-page')).toHaveCount(0);
});
