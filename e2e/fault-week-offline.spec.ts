// A week without network: the volunteer logs many visits offline (500 by default, through the
// real form, spread over the elders), then the network returns. Every visit must reach the
// server exactly once (checked through the API), and the phone's outbox must empty.
// TANFANG_FAULT_VISITS=50 makes a quicker run.
import { test, expect } from './fixtures/app';
import { apiAs, adminLogin, serverVisitsMarked, logVisit, expectExactlyOnce, spaNavigate } from './fixtures/fault';

const COUNT = Number(process.env.TANFANG_FAULT_VISITS ?? 500);

test(`${COUNT} visits queued offline all reach the server exactly once`, async ({ app, page, context, logins, volunteer, baseURL }) => {
  test.setTimeout(30 * 60_000);
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.waitForServiceWorker();
  await app.expectPending(0);
  const elderIds: string[] = [];
  for (const item of await app.todayItems().all()) {
    elderIds.push((await item.getAttribute('data-elder-id')) ?? '');
  }
  expect(elderIds.length).toBeGreaterThan(0);

  await context.setOffline(true);
  const run = `week-${Date.now()}`;
  const markers: string[] = [];
  for (let index = 0; index < COUNT; index++) {
    const elderId = elderIds[index % elderIds.length];
    if (index < elderIds.length || index % 25 === 0) {
      // Reach the elder card through the app's router (no page load while offline).
      await spaNavigate(page, `/elder/${elderId}`);
      await expect(page.getByTestId('elder-card')).toBeVisible();
    }
    const marker = `${run}-${String(index).padStart(4, '0')}`;
    await logVisit(app, page, marker);
    markers.push(marker);
  }
  await app.expectPending(COUNT);

  const api = await apiAs(baseURL!, adminLogin(logins));
  expect(await serverVisitsMarked(api, run)).toHaveLength(0);

  await context.setOffline(false);
  await expect(app.pendingBadge()).toHaveAttribute('data-count', '0', { timeout: 5 * 60_000 });
  await expect(page.getByTestId('sync-error')).toHaveCount(0);
  expectExactlyOnce(await serverVisitsMarked(api, run), markers);
  await api.dispose();
});
