// The server commits a push but its reply is lost on the way back (the worst case for
// duplicates). The phone still shows the visit as pending and pushes it again with the same
// client id and seq; the server must acknowledge the replay without storing a second copy.
import { test, expect } from './fixtures/app';
import { apiAs, adminLogin, serverVisitsMarked, logVisit, expectExactlyOnce, pushBody } from './fixtures/fault';

test('a push whose reply is lost after the commit is not duplicated by the retry', async ({ app, page, logins, volunteer, baseURL }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  await app.expectPending(0);
  const api = await apiAs(baseURL!, adminLogin(logins));

  const bodies: string[] = [];
  let committed = 0;
  await page.route('**/api/sync/push', async (route) => {
    bodies.push(route.request().postData() ?? '');
    const response = await route.fetch(); // reaches the real worker, which commits
    expect(response.status()).toBe(200);
    committed += 1;
    await route.abort('connectionreset'); // …and the answer never arrives
  });
  await app.openFirstElder();
  const marker = `reply-lost-${Date.now()}`;
  await logVisit(app, page, marker);
  await expect.poll(() => committed, { timeout: 20_000 }).toBeGreaterThan(0);

  // The server has it; the phone does not know and keeps it queued.
  expectExactlyOnce(await serverVisitsMarked(api, marker), [marker]);
  await app.expectPending(1);

  // Retry with the network healthy: same client id and seq, acknowledged as a duplicate.
  await page.unroute('**/api/sync/push');
  const retry = page.waitForResponse((r) => r.url().includes('/api/sync/push'));
  await app.syncNow();
  const answer = await (await retry).json();
  const sent = JSON.parse(bodies[0]);
  const mutation = sent.mutations.find((m: any) => m.payload.suggestions === marker);
  const ack = answer.acks.find((a: any) => a.seq === mutation.seq);
  expect(ack.status).toBe('duplicate');
  expect(answer.last_seq).toBeGreaterThanOrEqual(mutation.seq);
  await app.expectPending(0);
  expectExactlyOnce(await serverVisitsMarked(api, marker), [marker]);
  await api.dispose();
});
