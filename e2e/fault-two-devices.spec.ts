// Two phones of the same volunteer (two browser contexts, two IndexedDBs, two client ids)
// work on the same elder while offline:
// - both log a visit: visits are append-only, so the server keeps both, once each;
// - both change the elder's phone number from the same version: the server applies the first
//   and keeps the second as a conflict (both values) for a coordinator.
// The app has no elder-edit screen yet, so each device sends its `elder.edit` mutation through
// the sync protocol from inside its own page (same origin, its own session cookie).
import { test, expect, VolunteerApp } from './fixtures/app';
import { apiAs, serverVisitsMarked, logVisit, expectExactlyOnce, spaNavigate } from './fixtures/fault';
import type { Page } from '@playwright/test';

async function pushElderEdit(page: Page, clientId: string, elderId: string, base: number, phone: string) {
  return page.evaluate(
    async ({ clientId, elderId, base, phone }) => {
      const response = await fetch('/api/sync/push', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'include',
        body: JSON.stringify({
          client_id: clientId,
          mutations: [
            { seq: 1, kind: 'elder.edit', payload: { elder_id: elderId, base_versions: { phone: base }, fields: { phone } } },
          ],
        }),
      });
      return { status: response.status, body: await response.json() };
    },
    { clientId, elderId, base, phone },
  );
}

test('two devices editing one elder: both visits kept, the phone edit kept as a conflict', async ({ browser, logins, volunteer, baseURL }) => {
  const devices = [await browser.newContext(), await browser.newContext()];
  const pages = await Promise.all(devices.map((context) => context.newPage()));
  const apps = pages.map((page) => new VolunteerApp(page));
  for (const app of apps) {
    await app.login(volunteer);
    await app.waitForTodayList();
    await app.waitForServiceWorker();
  }
  const elder = await apps[0].openFirstElder();
  await spaNavigate(pages[1], `/elder/${elder.id}`);
  await expect(pages[1].getByTestId('elder-card')).toBeVisible();

  // Both offline, both log a visit of the same elder.
  const run = `two-${Date.now()}`;
  for (const [index, context] of devices.entries()) {
    await context.setOffline(true);
    await logVisit(apps[index], pages[index], `${run}-device${index}`);
    await apps[index].expectPending(1);
  }
  for (const [index, context] of devices.entries()) {
    await context.setOffline(false);
    await apps[index].expectPending(0);
  }
  const api = await apiAs(baseURL!, volunteer);
  expectExactlyOnce(await serverVisitsMarked(api, run), [`${run}-device0`, `${run}-device1`]);

  // Both saw the same version of the phone field.
  const pull = await (await api.get('/api/sync/pull?cursor=0')).json();
  const view = (pull.elders as any[]).find((e) => e.id === elder.id);
  const base = view.field_versions?.phone ?? 0;
  const suffix = String(Date.now() % 10_000).padStart(4, '0');
  const phones = [`1391234${suffix}`, `1371234${suffix}`];
  const first = await pushElderEdit(pages[0], `${run}-a`, elder.id, base, phones[0]);
  const second = await pushElderEdit(pages[1], `${run}-b`, elder.id, base, phones[1]);
  expect(first.status).toBe(200);
  expect(first.body.acks[0].status).toBe('applied');
  expect(second.status).toBe(200);
  expect(second.body.acks[0].status).toBe('conflict');
  expect(second.body.acks[0].conflicts[0]).toMatchObject({ field: 'phone', server_value: phones[0], client_value: phones[1] });

  // The server: the first value in the file, the second kept as an open conflict.
  const after = await (await api.get('/api/sync/pull?cursor=0')).json();
  const updated = (after.elders as any[]).find((e) => e.id === elder.id);
  expect(updated.phone).toBe(phones[0]);
  expect(updated.field_versions.phone).toBe(base + 1);
  const coordinators = logins.filter((l) => l.role === 'coordinator' || l.role === 'admin');
  let found: any[] = [];
  for (const coordinator of coordinators) {
    const coordApi = await apiAs(baseURL!, coordinator);
    const response = await coordApi.get('/api/conflicts?status=all');
    if (response.ok()) {
      found = ((await response.json()).conflicts as any[]).filter(
        (c) => c.elder_id === elder.id && c.client_value === phones[1],
      );
    }
    await coordApi.dispose();
    if (found.length) break;
  }
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ field: 'phone', server_value: phones[0], client_value: phones[1], status: 'open' });

  // A replay of the conflicting edit (reply lost) does not create a second conflict row.
  const replay = await pushElderEdit(pages[1], `${run}-b`, elder.id, base, phones[1]);
  expect(replay.body.acks[0].status).toBe('duplicate');
  await api.dispose();
  for (const context of devices) await context.close();
});
