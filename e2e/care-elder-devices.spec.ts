// Registering a smart device on an elder's file (issue 9, 智能设备): the coordinator picks the
// kind, the page shows the device id and its HMAC secret once with a note that it goes into the
// device's configuration; the device stays listed, the secret is never shown again.
import { test, expect } from './fixtures/app';
import { ElderCareFile, responsibleElder } from './fixtures/care';

test('a device registered on the elder file shows its secret once, then stays listed without it', async ({ volunteer, browser, baseURL }) => {
  const elderId = await responsibleElder(baseURL, volunteer, 1);
  const file = await ElderCareFile.open(browser, baseURL, elderId);

  const device = await file.registerDevice('smoke_detector');
  expect(device.secret).toMatch(/^[0-9a-f]{64}$/);
  await expect(file.page.getByTestId('device-secret-note')).toContainText('只显示这一次');
  await expect(file.page.getByTestId('device-secret-note')).toContainText('配置');
  const row = file.device(device.id);
  await expect(row).toHaveAttribute('data-kind', 'smoke_detector');
  await expect(row).toContainText('烟感');
  await expect(row).toContainText('尚未收到');

  // Closed: gone from the page; after a reload the device is listed and the secret is nowhere.
  await file.page.getByTestId('device-secret-done').click();
  await expect(file.page.getByTestId('device-secret-box')).toHaveCount(0);
  await file.reload();
  await expect(file.device(device.id)).toContainText('烟感');
  await expect(file.page.getByTestId('device-secret-box')).toHaveCount(0);
  expect(await file.page.content()).not.toContain(device.secret);
  await file.close();
});
