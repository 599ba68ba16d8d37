// An emergency without a data connection (issue 9): the phone cannot start the record (the
// server notifies the coordinator), but it still shows the numbers to call in order — 120, 110,
// 119, then the elder's contacts — from the file it holds; once the network is back the same
// button starts the record.
import { test, expect } from './fixtures/app';
import { EmergencyFlow } from './fixtures/care';

test('offline, the emergency page still lists the numbers to call; online again it starts the record', async ({ app, page, context, volunteer }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.todayItems().nth(1).click();
  await expect(page.getByTestId('elder-card')).toBeVisible();
  const firstContact = await page.getByTestId('elder-contacts').locator('a').first().getAttribute('href');

  await context.setOffline(true);
  await page.getByTestId('start-emergency').click();
  await expect(page.getByTestId('emergency-page')).toBeVisible();
  await page.getByTestId('emergency-start').click();
  const flow = new EmergencyFlow(page);
  await expect(page.getByTestId('emergency-offline')).toContainText('无法连接服务器');
  await expect(flow.offlineCall(0)).toHaveAttribute('href', 'tel:120');
  await expect(flow.offlineCall(1)).toHaveAttribute('href', 'tel:110');
  await expect(flow.offlineCall(2)).toHaveAttribute('href', 'tel:119');
  await expect(flow.offlineCall(3)).toHaveAttribute('href', firstContact!);
  await expect(page.getByTestId('emergency-flow')).toHaveCount(0);

  await context.setOffline(false);
  await page.getByTestId('emergency-start').click();
  await expect(page.getByTestId('emergency-flow')).toBeVisible();
  await expect(page.getByTestId('emergency-offline')).toHaveCount(0);
  await expect(flow.call(3)).toHaveAttribute('href', firstContact!);
});
