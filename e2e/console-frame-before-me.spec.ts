// The console draws its navigation and the page without waiting for `GET /api/me`
// (components/coord_shell.rs): the page's own data comes from the server, which checks the
// session itself. The answer fills in who is logged in, or puts the log-in form in the page's
// place when nobody is.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('the due board is drawn while /api/me is unanswered; the answer fills in the name', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord');
  const name = (await (await page.request.get('/api/me')).json()).user.name;
  expect(name).toBeTruthy();

  // /api/me is held back until the board's rows are on screen.
  let answer!: () => void;
  const held = new Promise<void>((resolve) => { answer = resolve; });
  await page.route('**/api/me', async (route) => { await held; await route.continue(); });
  await page.goto('/coord/due', { waitUntil: 'commit' });
  await expect(page.getByTestId('console-nav')).toBeVisible();
  await expect(page.getByTestId('due-row').first()).toBeVisible();
  await expect(page.getByTestId('console-user')).not.toContainText(name);
  await expect(page.getByTestId('console-login')).toHaveCount(0);

  answer();
  await expect(page.getByTestId('console-user')).toContainText(name);
  await expect(page.getByTestId('due-row').first()).toBeVisible();
});

test('without a session the log-in form takes the page\'s place', async ({ page }) => {
  await page.goto('/coord/due');
  await expect(page.getByTestId('console-login')).toBeVisible();
  await expect(page.getByTestId('console-nav')).toHaveCount(0);
  await expect(page.getByTestId('due-row')).toHaveCount(0);
});

test('a volunteer\'s session gets the refusal in the page\'s place', async ({ page }) => {
  await new ConsolePage(page).submitLogin('volunteer5', '/coord/due');
  await expect(page.getByTestId('console-forbidden')).toBeVisible();
  // Opened again with the volunteer's session: the frame drawn first gives way to the refusal,
  // and the server refused the board's data.
  await page.goto('/coord/due');
  await expect(page.getByTestId('console-forbidden')).toBeVisible();
  await expect(page.getByTestId('console-nav')).toHaveCount(0);
  await expect(page.getByTestId('due-row')).toHaveCount(0);
});
