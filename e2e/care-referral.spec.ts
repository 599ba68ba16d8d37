// Referrals on the coordinator's 关爱闭环 board (issue 9): a need noted on a visit ten days ago
// is overdue (highlighted); the coordinator adds a provider to the directory, refers the need
// with a deadline (no longer overdue), then records accepted and done.
import { test, expect } from './fixtures/app';
import { CareBoard } from './fixtures/care';

function daysAgo(n: number): string {
  return new Date(Date.now() + 8 * 3600 * 1000 - n * 86400 * 1000).toISOString().slice(0, 10);
}

test('overdue referral highlighted, referred to a new provider, accepted and done', async ({ request, volunteer, browser, baseURL }) => {
  // The volunteer's phone pushes a visit from ten days ago with a need (as the sync engine does).
  expect((await request.post('/api/auth/login', { data: { login: volunteer.login, password: volunteer.password } })).ok()).toBeTruthy();
  const pull = await (await request.get('/api/sync/pull?cursor=0')).json();
  const elder = pull.elders[3] ?? pull.elders[0];
  const visitId = `e2e-referral-${Date.now()}`;
  const push = await request.post('/api/sync/push', {
    data: {
      client_id: `e2e-care-${Date.now()}`,
      mutations: [{ seq: 1, kind: 'visit.create', payload: {
        id: visitId, elder_id: elder.id, date: daysAgo(10), mode: 'home',
        needs: [{ category: 'rehabilitation_care', text: '术后康复训练' }],
      } }],
    },
  });
  expect(push.ok(), await push.text()).toBeTruthy();

  const board = await CareBoard.open(browser, baseURL, 'district');
  const row = board.page.locator(`[data-testid="care-referral"][data-id="${visitId}:need0"]`);
  await expect(row).toHaveAttribute('data-overdue', 'true');
  await expect(row).toHaveClass(/overdue/);
  await expect(row).toContainText('康复护理');
  await expect(row).toContainText('已逾期');

  // A provider for the district (serves every community below it).
  const name = `和平区康复中心${Date.now() % 100000}`;
  await board.page.getByTestId('care-provider-name').fill(name);
  await board.page.getByTestId('care-provider-kind').selectOption('elderly_care');
  await board.page.getByTestId('care-provider-phone').fill('13800138000');
  await board.page.getByTestId('care-provider-add').click();
  await expect(board.page.getByTestId('care-provider').filter({ hasText: name })).toHaveCount(1);

  const fresh = board.page.locator(`[data-testid="care-referral"][data-id="${visitId}:need0"]`);
  const option = fresh.getByTestId('care-referral-provider').locator('option', { hasText: name });
  await fresh.getByTestId('care-referral-provider').selectOption((await option.getAttribute('value'))!);
  await fresh.getByTestId('care-referral-deadline').fill(daysAgo(-14));
  await fresh.getByTestId('care-referral-refer').click();
  await expect(fresh).toHaveAttribute('data-state', 'referred');
  await expect(fresh).toHaveAttribute('data-overdue', 'false');

  await fresh.getByTestId('care-referral-accept').click();
  await expect(fresh).toHaveAttribute('data-state', 'accepted');
  // Done needs a note.
  await fresh.getByTestId('care-referral-complete').click();
  await expect(fresh.getByTestId('console-form-error')).toContainText('note');
  await fresh.getByTestId('care-referral-note').fill('已安排康复师每周上门两次');
  await fresh.getByTestId('care-referral-complete').click();
  await expect(fresh).toHaveAttribute('data-state', 'done');
  await board.close();
});
