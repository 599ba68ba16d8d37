// The bundles and the stylesheets are named after their content (cargo xtask build-app) and
// kept by the browser: a second visit loads them from its cache without asking the server, and
// a name this build does not have (another build's) is never marked to be kept, because the
// single-page fallback answers it with index.html.
import { test, expect } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

test.use({ serviceWorkers: 'block' });

const kept = (path: string) => path.startsWith('/pkg/') || path.startsWith('/styles/');

test('the bundles and styles are kept by the browser, asked for once, and only this build\'s names', async ({ page }) => {
  const asked: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (kept(path)) asked.push(path);
  });
  await page.goto('/login');
  await expect(page.getByTestId('login-page')).toBeVisible();
  const files = [...new Set(asked)];
  expect(files).toEqual(expect.arrayContaining([
    expect.stringMatching(/^\/pkg\/tanfang_app-[0-9a-f]{16}\.js$/),
    expect.stringMatching(/^\/pkg\/tanfang_app-[0-9a-f]{16}_bg\.wasm$/),
    expect.stringMatching(/^\/styles\/app-[0-9a-f]{16}\.css$/),
  ]));
  expect(files.filter((file) => file.startsWith('/styles/') && !/-[0-9a-f]{16}\.css$/.test(file))).toEqual([]);
  for (const file of files) {
    const answer = await page.request.get(file);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['cache-control']).toContain('immutable');
  }

  // A second visit takes every file from the browser's cache: nothing crosses the network
  // (Resource Timing's transferSize is 0 for a cached answer, and more when the server is asked,
  // even for a 304).
  await page.goto('/login');
  await expect(page.getByTestId('login-page')).toBeVisible();
  const second = (await page.evaluate(() => performance.getEntriesByType('resource')
    .map((entry) => entry as PerformanceResourceTiming)
    .map((entry) => ({ path: new URL(entry.name).pathname, transferSize: entry.transferSize }))))
    .filter((entry) => kept(entry.path));
  expect([...new Set(second.map((entry) => entry.path))].sort()).toEqual([...files].sort());
  for (const entry of second) expect(entry, entry.path).toEqual({ path: entry.path, transferSize: 0 });

  // Another build's name: the fallback page, not to be kept.
  for (const name of ['/pkg/tanfang_app-0000000000000000_bg.wasm', '/styles/app-0000000000000000.css']) {
    const other = await page.request.get(name);
    expect(answerIsKept(other.headers()['cache-control']), name).toBe(false);
  }
});

test('the console adds its stylesheet under this build\'s name, the one the page preloaded', async ({ page }) => {
  await new ConsolePage(page).login('coord', '/coord/due');
  const href = await page.locator('#console-css').getAttribute('href');
  expect(href).toMatch(/^\/styles\/console-[0-9a-f]{16}\.css$/);
  const preload = await page.locator('link[rel="preload"][as="style"]').getAttribute('href');
  expect(preload).toBe(href);
  expect((await page.request.get(href!)).headers()['cache-control']).toContain('immutable');
});

function answerIsKept(cacheControl: string | undefined) {
  return (cacheControl ?? '').includes('immutable') || /max-age=[1-9]/.test(cacheControl ?? '');
}
