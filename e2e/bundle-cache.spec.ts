// The bundles are named after their content (cargo xtask build-app) and kept by the browser:
// a second visit loads them from its cache without asking the server, and a name this build
// does not have (another build's) is never marked to be kept, because the single-page fallback
// answers it with index.html.
import { test, expect } from '@playwright/test';

test.use({ serviceWorkers: 'block' });

test('the bundles are kept by the browser, asked for once, and only this build\'s names', async ({ page }) => {
  const asked: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/pkg/')) asked.push(path);
  });
  await page.goto('/login');
  await expect(page.getByTestId('login-page')).toBeVisible();
  const files = [...new Set(asked)];
  expect(files).toEqual(expect.arrayContaining([
    expect.stringMatching(/^\/pkg\/tanfang_app-[0-9a-f]{16}\.js$/),
    expect.stringMatching(/^\/pkg\/tanfang_app-[0-9a-f]{16}_bg\.wasm$/),
  ]));
  for (const file of files) {
    const answer = await page.request.get(file);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['cache-control']).toContain('immutable');
  }

  // A second visit takes both files from the browser's cache: nothing crosses the network
  // (Resource Timing's transferSize is 0 for a cached answer, and more when the server is asked,
  // even for a 304).
  await page.goto('/login');
  await expect(page.getByTestId('login-page')).toBeVisible();
  const second = await page.evaluate(() => performance.getEntriesByType('resource')
    .map((entry) => entry as PerformanceResourceTiming)
    .filter((entry) => new URL(entry.name).pathname.startsWith('/pkg/'))
    .map((entry) => ({ path: new URL(entry.name).pathname, transferSize: entry.transferSize })));
  expect([...new Set(second.map((entry) => entry.path))].sort()).toEqual([...files].sort());
  for (const entry of second) expect(entry, entry.path).toEqual({ path: entry.path, transferSize: 0 });

  // Another build's name: the fallback page, not to be kept.
  const other = await page.request.get('/pkg/tanfang_app-0000000000000000_bg.wasm');
  expect(answerIsKept(other.headers()['cache-control'])).toBe(false);
});

function answerIsKept(cacheControl: string | undefined) {
  return (cacheControl ?? '').includes('immutable') || /max-age=[1-9]/.test(cacheControl ?? '');
}
