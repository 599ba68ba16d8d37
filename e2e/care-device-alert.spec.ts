// A smart-device alert (issue 9): a call button bound to one of the volunteer's elders sends a
// signed message → the responsible volunteer sees the notice on Today, the coordinator sees the
// alert on the 关爱闭环 board, and a text to the emergency contacts waits in the outbox.
import { createHmac, randomUUID } from 'node:crypto';
import { request as playwrightRequest } from '@playwright/test';
import { test, expect } from './fixtures/app';
import { CareBoard } from './fixtures/care';
import { account } from './fixtures/console';

test('device alert reaches the responsible volunteer and the coordinator', async ({ app, page, volunteer, browser, baseURL }) => {
  // The volunteer's elders, and one they are responsible for.
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { 'cf-connecting-ip': '203.0.113.91' } });
  expect((await api.post('/api/auth/login', { data: { login: volunteer.login, password: volunteer.password } })).ok()).toBeTruthy();
  const pull = await (await api.get('/api/sync/pull?cursor=0')).json();
  const elder = pull.elders.find((e: any) => e.my_role === 'responsible');
  expect(elder, 'the volunteer is responsible for an elder').toBeTruthy();

  // The district coordinator binds a call button to that elder.
  const district = await account(api, 'district');
  expect((await api.post('/api/auth/login', { data: { login: district.login, password: district.password } })).ok()).toBeTruthy();
  const device = await (await api.post('/api/care/devices', { data: { elder_id: elder.id, kind: 'call_button' } })).json();
  expect(device.secret).toMatch(/^[0-9a-f]{64}$/);

  // The device presses: signed with its secret.
  const body = JSON.stringify({ device_id: device.id, message_id: `m-${randomUUID()}`, elder_id: elder.id, event: 'pressed', sent_at_ms: Date.now() });
  const signature = createHmac('sha256', Buffer.from(device.secret, 'hex')).update(body).digest('hex');
  const hook = await api.post('/api/care/devices/webhook', {
    data: body,
    headers: { 'content-type': 'application/json', 'x-device-id': device.id, 'x-signature': `sha256=${signature}` },
  });
  expect(hook.status(), await hook.text()).toBe(201);
  const outbox = await (await api.get(`/api/care/outbox?elder_id=${elder.id}`)).json();
  expect(outbox.outbox.some((n: any) => n.state === 'pending')).toBeTruthy();
  await api.dispose();

  // The volunteer sees it on Today and can open the elder from it.
  await app.login(volunteer);
  await app.waitForTodayList();
  const notice = page.locator(`[data-testid="care-notice"][data-elder="${elder.id}"]`).first();
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('紧急报警');
  await expect(notice).toContainText('呼叫器');
  await notice.getByRole('link').click();
  await expect(page.getByTestId('elder-card')).toBeVisible();

  // The coordinator sees the alert on the board.
  const board = await CareBoard.open(browser, baseURL, 'district');
  await expect(board.page.getByTestId('care-alert').filter({ hasText: elder.name }).first()).toContainText('呼叫器报警');
  await board.close();
});
