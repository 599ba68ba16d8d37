// The escalation ladder, first step (issue 15): a volunteer who has not visited an elder by the
// policy's reminder threshold finds the elder at the top of Today, marked 提醒, with the
// reminder among the notices — and not before the threshold.
import { test, expect, VolunteerApp } from './fixtures/app';
import { ladderElder, runLadder, thresholds, todayItem, login, nextMonthDay } from './fixtures/escalation';

test('a volunteer who has not visited by the threshold sees the reminder', async ({ page, logins, baseURL, request }) => {
  const steps = await thresholds(baseURL!, logins, request);
  const elder = await ladderElder(baseURL!, logins);
  const reminderDay = steps.reminded;
  const dayBefore = nextMonthDay(Number(reminderDay.slice(8, 10)) - 1);
  expect(dayBefore < reminderDay).toBeTruthy();

  // The day before the threshold: nothing to remind.
  await runLadder(request, dayBefore, [elder.id]);
  const app = new VolunteerApp(page);
  await app.login(login(logins, 'volunteer5'));
  await app.waitForTodayList();
  await expect(todayItem(page, elder.id)).toBeVisible();
  await expect(todayItem(page, elder.id)).not.toHaveAttribute('data-escalation', /.+/);

  // The threshold passes without a visit: the daily pass reminds the responsible visitor.
  await runLadder(request, reminderDay, [elder.id]);
  await page.reload();
  await app.waitForTodayList();
  const item = todayItem(page, elder.id);
  await expect(item).toHaveAttribute('data-escalation', 'reminder', { timeout: 20_000 });
  await expect(item.getByTestId('today-item-reminder')).toContainText('提醒');
  // Reminders lead the list (ahead of every unmarked elder, whatever its due date).
  await expect(app.todayItems().first()).toHaveAttribute('data-escalation', /reminder|handover/);
  await expect(page.locator(`[data-testid="care-notice"][data-elder="${elder.id}"]`)).toContainText('探访提醒');
});
