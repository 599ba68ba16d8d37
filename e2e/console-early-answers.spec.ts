// The console's first requests start with the HTML (app/static/index.html, app/src/early.rs):
// opening the due board, `GET /api/me` and the board's first page are asked once, before the
// office bundle has loaded, and the page uses those answers instead of asking again. The board
// draws its first page (the most urgent items) and then the rest replaces it.
import { test, expect, type Request } from '@playwright/test';
import { ConsolePage } from './fixtures/console';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

const FIRST_PAGE = '/api/due?limit=200&format=rows&declined=count';
const WHOLE = '/api/due?limit=5000&format=rows';

test('the due board takes the answers the HTML asked for, draws the first page, then the rest', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('district', '/coord');
  const api = await (await page.request.get(WHOLE)).json();
  // The district's demo board is longer than one page: the rest has to load.
  expect(api.rows.length).toBeGreaterThan(200);

  const asked: string[] = [];
  page.on('request', (request: Request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) asked.push(url.pathname + url.search);
  });
  // The rest is held back (then sent to the real server) so that the first page is seen alone.
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route(`**${WHOLE}`, async (route) => { await held; await route.continue(); });

  // The bundle is held too, until the HTML has asked: only the HTML can ask meanwhile.
  let bundle!: () => void;
  const bundleHeld = new Promise<void>((resolve) => { bundle = resolve; });
  await page.route('**/pkg/tanfang_office-*_bg.wasm', async (route) => { await bundleHeld; await route.continue(); });

  await page.goto('/coord/due', { waitUntil: 'commit' });
  await expect.poll(() => asked).toEqual(expect.arrayContaining(['/api/me', FIRST_PAGE]));
  bundle();
  const count = page.getByTestId('due-count');
  await expect(count).toHaveAttribute('data-complete', 'false');
  await expect(page.getByTestId('due-loading-rest')).toBeVisible();
  await expect(page.getByTestId('due-row').first()).toBeVisible();
  expect(Number(await count.getAttribute('data-count'))).toBe(200);
  // The first page holds the board's most urgent items.
  const urgent = new Set(api.rows.slice(0, 200).map((row: string[]) => row[0]));
  for (const elder of await page.getByTestId('due-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-elder')))) {
    expect(urgent.has(elder)).toBe(true);
  }

  release();
  await expect(count).toHaveAttribute('data-complete', 'true');
  await expect(page.getByTestId('due-loading-rest')).toHaveCount(0);
  expect(Number(await count.getAttribute('data-count'))).toBe(api.rows.length);

  // Each asked once: the page used the HTML's answers (a URL that drifted would be asked twice).
  expect(asked.filter((u) => u === '/api/me')).toHaveLength(1);
  expect(asked.filter((u) => u === FIRST_PAGE)).toHaveLength(1);
  expect(asked.filter((u) => u === WHOLE)).toHaveLength(1);
  // …and nothing the HTML asked for is left untaken.
  expect(await page.evaluate(() => Object.keys((window as any).TANFANG_EARLY))).toEqual([]);
});
