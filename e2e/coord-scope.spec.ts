// Scope: a coordinator of one community can neither see nor open an elder of another
// community, in the UI and through the API.
import { test, expect } from '@playwright/test';
import { ConsolePage, LANTIAN, XINJIN } from './fixtures/console';

// The console is an online office tool; the phone app's service worker is kept out of its tests.
test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('a community coordinator sees only their own community', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord/elders');
  // The list holds only 新津社区 elders (50 in the demo data, more if tests added files).
  expect(await console.registryTotal()).toBeGreaterThanOrEqual(50);
  const total = await console.registryTotal();
  const api = await (await page.request.get('/api/elders?page_size=500')).json();
  expect(api.total).toBe(total);
  for (const elder of api.items) expect(elder.region_code).toBe(XINJIN);
  for (const region of await console.registryRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-region')))) {
    expect(region).toBe(XINJIN);
  }
  // Searching a road of another community finds nothing.
  await page.getByTestId('registry-search').fill('蓝天大街');
  await expect(page.getByTestId('registry-empty')).toBeVisible();

  // elder-101 lives in 蓝天社区: opening it in the UI shows "not found", no data.
  await page.goto('/coord/elders/elder-101');
  await expect(page.getByTestId('file-not-found')).toBeVisible();
  await expect(page.getByTestId('f-name')).toHaveCount(0);

  // Same through the API with this coordinator's session cookie.
  const read = await page.request.get('/api/elders/elder-101');
  expect(read.status()).toBe(404);
  const reveal = await page.request.post('/api/elders/elder-101/reveal', { data: { reason: '越权测试' } });
  expect(reveal.status()).toBe(404);
  const list = await page.request.get(`/api/elders?region=${LANTIAN}`);
  expect(list.status()).toBe(403);
  const own = await page.request.get('/api/elders/elder-001');
  expect(own.status()).toBe(200);
  const body = await own.json();
  // Even for an own elder the ID number comes masked.
  expect(body.elder.id_number).toContain('*');
});
