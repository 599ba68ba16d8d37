// The escalation ladder's hand-over (issue 15), on two phones (two browser contexts): the
// responsible visitor is reminded first; when the next threshold passes still without a visit,
// the backup visitor's phone shows the elder marked 交接 at the top of Today.
import { test, expect, VolunteerApp } from './fixtures/app';
import { ladderElder, runLadder, thresholds, todayItem, login } from './fixtures/escalation';

test('after the next threshold the backup visitor’s phone shows the hand-over', async ({ browser, logins, baseURL, request }) => {
  const steps = await thresholds(baseURL!, logins, request);
  expect(steps.reminded < steps.handed_to_backup).toBeTruthy();
  const elder = await ladderElder(baseURL!, logins);
  const responsible = await browser.newContext();
  const backup = await browser.newContext();
  const [responsiblePage, backupPage] = [await responsible.newPage(), await backup.newPage()];
  const responsibleApp = new VolunteerApp(responsiblePage);
  const backupApp = new VolunteerApp(backupPage);
  await responsibleApp.login(login(logins, 'volunteer5'));
  await backupApp.login(login(logins, 'volunteer6'));

  // Reminder: the responsible visitor's phone only.
  await runLadder(request, steps.reminded, [elder.id]);
  for (const page of [responsiblePage, backupPage]) await page.reload();
  await responsibleApp.waitForTodayList();
  await backupApp.waitForTodayList();
  await expect(todayItem(responsiblePage, elder.id)).toHaveAttribute('data-escalation', 'reminder', { timeout: 20_000 });
  await expect(todayItem(backupPage, elder.id)).toBeVisible();
  await expect(todayItem(backupPage, elder.id)).not.toHaveAttribute('data-escalation', /.+/);

  // Still no visit at the next threshold: handed to the backup visitor.
  await runLadder(request, steps.handed_to_backup, [elder.id]);
  await backupPage.reload();
  await backupApp.waitForTodayList();
  const item = todayItem(backupPage, elder.id);
  await expect(item).toHaveAttribute('data-escalation', 'handover', { timeout: 20_000 });
  await expect(item.getByTestId('today-item-handover')).toContainText('交接');
  // Hand-overs lead the backup's list.
  await expect(backupApp.todayItems().first()).toHaveAttribute('data-escalation', 'handover');
  await expect(backupPage.locator(`[data-testid="care-notice"][data-elder="${elder.id}"]`)).toContainText('交接');
  await responsible.close();
  await backup.close();
});
