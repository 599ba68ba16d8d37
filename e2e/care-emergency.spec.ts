// An emergency from the elder card (issue 9): one tap to 120/110/119 and then the emergency
// contacts in order, each attempt logged with its outcome; the closing record is required
// before it closes; the coordinator sees it.
import { test, expect } from './fixtures/app';
import { CareBoard, EmergencyFlow } from './fixtures/care';

test('emergency with call log and closing record', async ({ app, page, volunteer, browser, baseURL }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  const item = app.todayItems().nth(1);
  const elderId = (await item.getAttribute('data-elder-id')) ?? '';
  await item.click();
  await expect(page.getByTestId('elder-card')).toBeVisible();
  // The first emergency contact on the card is the first contact called after 119.
  const firstContact = await page.getByTestId('elder-contacts').locator('a').first().getAttribute('href');

  const flow = new EmergencyFlow(page);
  const id = await flow.startFromCard();
  expect(id).toMatch(/^em-/);
  await expect(flow.call(0)).toHaveAttribute('href', 'tel:120');
  await expect(flow.call(1)).toHaveAttribute('href', 'tel:110');
  await expect(flow.call(2)).toHaveAttribute('href', 'tel:119');
  await expect(flow.call(3)).toHaveAttribute('href', firstContact!);
  await expect(flow.call(3)).toContainText('子女');

  // Each attempt logged with its outcome.
  await flow.logOutcome(0, 'connected');
  await flow.logOutcome(3, 'no_answer');
  const log = page.getByTestId('emergency-log-entry');
  await expect(log.nth(0)).toHaveAttribute('data-outcome', 'connected');
  await expect(log.nth(0)).toContainText('120');
  await expect(log.nth(1)).toHaveAttribute('data-outcome', 'no_answer');
  await expect(log.nth(1)).toContainText('无人接听');

  // No closing record, no closing.
  await page.getByTestId('emergency-close').click();
  await expect(page.getByTestId('emergency-error')).toContainText('发生了什么');
  await expect(page.getByTestId('emergency-flow')).toHaveAttribute('data-state', 'open');
  await flow.fileRecord('老人在家中摔倒，意识清醒，右腿疼痛', '拨打120送医；儿子未接通，已联系社区网格员陪同');
  await expect(page.getByTestId('emergency-closed')).toBeVisible();
  await expect(page.getByTestId('emergency-flow')).toHaveAttribute('data-state', 'closed');

  // The coordinator's board shows it filed, with its calls and record.
  const board = await CareBoard.open(browser, baseURL, 'district');
  const row = board.page.locator(`[data-testid="care-emergency"][data-id="${id}"]`);
  await expect(row).toHaveAttribute('data-state', 'closed');
  await expect(row).toContainText('已归档');
  await expect(row).toContainText('老人在家中摔倒');
  // …and was told when it started.
  const notes = await (await board.page.request.get('/api/care/notifications')).json();
  expect(notes.notifications.some((n: any) => n.elder_id === elderId && n.subject.startsWith('应急处置'))).toBeTruthy();
  await board.close();
});
