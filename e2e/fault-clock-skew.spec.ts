// A phone whose clock is days off: the visit keeps the device time AND the server records its
// own receipt time beside it, so the skew is visible (domain `VisitRecord::has_clock_skew`,
// threshold `DEFAULT_CLOCK_SKEW_THRESHOLD_MS` = 10 minutes).
import { test, expect } from './fixtures/app';
import { apiAs, adminLogin, serverVisitsMarked, logVisit } from './fixtures/fault';

const DAY_MS = 24 * 60 * 60 * 1000;
const THRESHOLD_MS = 10 * 60 * 1000;

test('a device clock three days behind is recorded beside the server time', async ({ app, page, logins, volunteer, baseURL }) => {
  const skew = 3 * DAY_MS;
  await page.clock.install({ time: new Date(Date.now() - skew) });
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.openFirstElder();
  const marker = `skew-${Date.now()}`;
  const before = Date.now();
  await logVisit(app, page, marker);
  await app.expectPending(0);

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
  await api.dispose();
});
