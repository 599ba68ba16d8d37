// A volunteer signs in with an SMS code (read from the dev server's SMS outbox), logs a visit
// offline, and loses the phone: a coordinator ends that volunteer's sessions. On its next
// contact the phone erases its local files but keeps the unsent visit, says what happened, and
// after signing in again by SMS the visit reaches the server — exactly once.
import { test, expect } from './fixtures/app';
import { apiAs, serverVisitsMarked, logVisit, expectExactlyOnce } from './fixtures/fault';

test.use({ serviceWorkers: 'block' });

async function localCounts(page: import('@playwright/test').Page) {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('tanfang');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = ['elders', 'visits', 'outbox', 'drafts'];
          const tx = db.transaction(names);
          const counts: Record<string, number> = {};
          for (const name of names) {
            const request = tx.objectStore(name).count();
            request.onsuccess = () => (counts[name] = request.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(counts);
          };
        };
      }),
  );
}

test('a coordinator ends a lost phone’s session: files erased, the pending visit still arrives', async ({ app, page, context, logins, volunteer, baseURL, request }) => {
  test.setTimeout(120_000);
  expect(volunteer.mobile, 'the demo volunteer has a mobile number').toMatch(/^1\d{10}$/);
  await app.smsLogin(volunteer, request);
  await app.waitForTodayList();
  await app.expectPending(0);

  await context.setOffline(true);
  await app.openFirstElder();
  const marker = `lost-phone-${Date.now()}`;
  await logVisit(app, page, marker);
  await app.expectPending(1);
  const before = await localCounts(page);
  expect(before.elders).toBeGreaterThan(0);

  // A coordinator over the volunteer's community ends the sessions (a lost phone). The
  // district's: which volunteer still has elders depends on the specs before (coord-assign
  // hands all of 新津 to volunteer4), and the district governs every demo community.
  const coordinator = logins.find((entry) => entry.login === 'district')!;
  const office = await apiAs(baseURL!, coordinator);
  const ended = await office.post(`/api/people/${volunteer.id}/sessions/end`);
  expect(ended.ok(), `end sessions → ${ended.status()}`).toBeTruthy();
  expect((await ended.json()).ended).toBeGreaterThan(0);
  await office.dispose();

  // Back online, the phone meets the ended session on its next contact.
  await context.setOffline(false);
  await expect(page.getByTestId('login-page')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('session-ended-remotely')).toContainText(/协调员已在这台设备上退出|coordinator signed you out/);
  await expect(page.getByTestId('session-ended-pending')).toHaveText('1');
  const after = await localCounts(page);
  expect(after).toEqual({ elders: 0, visits: 1, outbox: 1, drafts: 0 });

  // Signing in again by SMS (a minute later, as the resend limit asks) sends the visit, once.
  const aged = await request.post('/api/dev/sms/age', { data: { mobile: volunteer.mobile, ms: 61_000 } });
  expect(aged.ok()).toBeTruthy();
  await app.smsLogin(volunteer, request);
  await app.expectPending(0);
  await expect(page.getByTestId('session-ended-remotely')).not.toBeVisible();
  const api = await apiAs(baseURL!, volunteer);
  expectExactlyOnce(await serverVisitsMarked(api, marker), [marker]);
  await api.dispose();
});
