// The care loop for a hazard (issue 9): a visit marks gas 不安全 → a hazard appears on the
// coordinator's 关爱闭环 board → a follow-up home visit finds it 安全 and closes it.
import { test, expect } from './fixtures/app';
import { CareBoard } from './fixtures/care';

test('unsafe gas visit → hazard on the coordinator board → follow-up visit closes it', async ({ app, page, volunteer, browser, baseURL }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  // The third elder on the list: other specs log their visits on the first.
  const item = app.todayItems().nth(2);
  const elderId = (await item.getAttribute('data-elder-id')) ?? '';
  expect(elderId).not.toBe('');
  await item.click();
  await expect(page.getByTestId('elder-card')).toBeVisible();

  // 1. A home visit with gas 不安全, synced.
  await app.startVisit();
  await app.choose('mode', 'home');
  await app.choose('gas', 'unsafe');
  await app.saveVisit();
  await app.expectPending(0);

  // 2. The coordinator (和平区, above every demo community) sees an open gas hazard.
  const board = await CareBoard.open(browser, baseURL, 'district');
  const open = board.hazards(elderId, 'open');
  await expect(open.first()).toBeVisible();
  await expect(open.first()).toContainText('燃气安全');
  await expect(open.first()).toContainText('不安全');
  await expect(open.first()).toHaveAttribute('data-overdue', 'false');
  const ids = await open.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
  expect(ids.length).toBeGreaterThan(0);

  // 3. Follow-up home visit: gas 安全.
  await app.startVisit();
  await app.choose('mode', 'home');
  await app.choose('gas', 'safe');
  await app.saveVisit();
  await app.expectPending(0);

  // 4. Closed by that visit; nothing open for this elder any more.
  await board.reload();
  for (const id of ids) {
    await expect(board.hazard(id!)).toHaveAttribute('data-state', 'closed');
    await expect(board.hazard(id!)).toContainText('已消除');
  }
  await expect(board.hazards(elderId, 'open')).toHaveCount(0);
  await expect(board.hazards(elderId, 'reminded')).toHaveCount(0);
  await board.close();
});
