// A phone whose clock is days off: the visit keeps the device time, the server records its own
// receipt time beside it, and — because the phone sends its clock with every push — the server
// flags the skew on the record (`device_clock_skew_ms`, domain `sync::device_clock_skew`,
// 10 minutes) and tells the phone, which asks its user to set the clock.
import { test, expect } from './fixtures/app';
import { apiAs, adminLogin, serverVisitsMarked, logVisit } from './fixtures/fault';

const DAY_MS = 24 * 60 * 60 * 1000;
const THRESHOLD_MS = 10 * 60 * 1000;

test('a device clock three days behind is flagged on the record and on the phone', async ({ app, page, logins, volunteer, baseURL }) => {
  const skew = 3 * DAY_MS;
  await page.clock.install({ time: new Date(Date.now() - skew) });
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.openFirstElder();
  const marker = `skew-${Date.now()}`;
  const before = Date.now();
  await logVisit(app, page, marker);
  await app.expectPending(0);
  await expect(page.getByTestId('clock-warning')).toContainText(/慢 3 天|behind the server by 3 days/);

  const api = await apiAs(baseURL!, adminLogin(logins));
  const [record] = await serverVisitsMarked(api, marker);
  expect(record, 'the visit reached the server').toBeTruthy();
  expect(typeof record.device_time_ms).toBe('number');
  expect(typeof record.server_time_ms).toBe('number');
  // The server's time is its own (not the device's), the device time is kept as sent.
  expect(record.server_time_ms).toBeGreaterThanOrEqual(before - 60_000);
  const measured = record.server_time_ms - record.device_time_ms;
  expect(Math.abs(measured - skew)).toBeLessThan(5 * 60_000);
  expect(Math.abs(measured)).toBeGreaterThan(THRESHOLD_MS);
  // Flagged by the server from the phone's clock at the push, not from the queueing time.
  expect(typeof record.device_clock_skew_ms).toBe('number');
  expect(Math.abs(record.device_clock_skew_ms - skew)).toBeLessThan(5 * 60_000);
  await api.dispose();
});
