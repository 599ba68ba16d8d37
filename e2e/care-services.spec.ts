// Recording a care service delivered on an elder's file (issue 9, 关爱服务): a service from the
// catalogues, a bad duration is refused by the server and the message shows at the duration
// field; corrected, the service appears in the list with who, date, duration and satisfaction.
import { test, expect } from './fixtures/app';
import { ElderCareFile, responsibleElder } from './fixtures/care';

test('a service delivered: the server\'s error at the duration field, then the service in the list', async ({ volunteer, browser, baseURL }) => {
  const elderId = await responsibleElder(baseURL, volunteer, 2);
  const file = await ElderCareFile.open(browser, baseURL, elderId);
  const note = `血压 128/80 ${Date.now() % 100000}`;
  const posts: number[] = [];
  file.page.on('response', (r) => {
    if (r.request().method() === 'POST' && r.url().includes('/api/care/services')) posts.push(r.status());
  });

  // 0 minutes: refused by the server (422), named at the field, nothing recorded.
  await file.fillService({ code: 'pingli-07', duration: '0', satisfaction: 'very_satisfied', note });
  await file.page.getByTestId('service-submit').click();
  const error = file.page.getByTestId('service-err-duration_minutes');
  await expect(error).toBeVisible();
  await expect(error).toContainText('1–1440');
  expect(posts).toEqual([422]);
  await expect(file.serviceRows(note)).toHaveCount(0);

  // Not a number at all: still the same field.
  await file.fillService({ duration: '半小时' });
  await file.page.getByTestId('service-submit').click();
  await expect.poll(() => posts.length).toBe(2);
  await expect(error).toBeVisible();

  // Corrected: recorded, the error gone, the row in the list.
  await file.fillService({ duration: '30' });
  await file.page.getByTestId('service-submit').click();
  await expect(file.page.getByTestId('service-recorded')).toBeVisible();
  await expect(error).toHaveCount(0);
  const row = file.serviceRows(note);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-code', 'pingli-07');
  await expect(row.getByTestId('service-row-name')).toHaveText('常规检查');
  await expect(row.getByTestId('service-row-duration')).toHaveText('30');
  await expect(row.getByTestId('service-row-satisfaction')).toHaveText('非常满意');
  await expect(row.getByTestId('service-row-by')).toHaveText(file.who.name);
  await expect(row.getByTestId('service-row-date')).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  expect(posts).toEqual([422, 422, 201]);

  // Stored: still there after a reload.
  await file.reload();
  await expect(file.serviceRows(note)).toHaveCount(1);
  await file.close();
});
