// Accessibility: axe-core (WCAG 2.0/2.1 A+AA rules) on every main page, phone viewport.
// A page passes when axe finds no "serious" or "critical" violation; every violation (of any
// impact) is attached to the report with its selectors so designers can fix the minor ones too.
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures/app';
import { ConsolePage } from './fixtures/console';
import * as fs from 'node:fs';
import * as path from 'node:path';

type Violation = { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] };

async function audit(page: Page, testInfo: TestInfo, name: string) {
  // Let Leptos finish rendering (fonts, late signals) before the scan.
  await page.waitForLoadState('networkidle').catch(() => {});
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const violations = results.violations as Violation[];
  const lines = violations.map(
    (v) =>
      `${v.impact ?? '?'} ${v.id} (${v.help}): ${v.nodes
        .map((n) => JSON.stringify(n.target))
        .slice(0, 8)
        .join(' ')}`,
  );
  await testInfo.attach(`axe-${name}`, {
    body: lines.length ? lines.join('\n') : 'no violations',
    contentType: 'text/plain',
  });
  if (lines.length) console.log(`[a11y] ${name}\n  ${lines.join('\n  ')}`);
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  // Soft: one page's violations do not hide the next page's.
  expect.soft(
    blocking.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`),
    `serious/critical axe violations on ${name}`,
  ).toEqual([]);
}

test.describe('accessibility (axe, no serious or critical violations)', () => {
  // Accessibility does not depend on the service worker; blocking it keeps page.goto working
  // (see the report: navigations served by sw.js fail once it is installed).
  test.use({ serviceWorkers: 'block' });

  test('login page', async ({ app, page }, testInfo) => {
    await app.gotoLogin();
    await audit(page, testInfo, 'login');
    await page.getByTestId('login-tab-sms').click();
    await expect(page.getByTestId('sms-mobile')).toBeVisible();
    await audit(page, testInfo, 'login-sms');
  });

  test('emergency page', async ({ app, page, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.waitForTodayList();
    const { id } = await app.openFirstElder();
    await page.goto(`/elder/${id}/emergency`);
    await expect(page.getByTestId('emergency-page')).toBeVisible();
    await audit(page, testInfo, 'emergency');
  });

  test('today list', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.waitForTodayList();
    await audit(page, testInfo, 'today');
  });

  test('elder card', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.waitForTodayList();
    await app.openFirstElder();
    await audit(page, testInfo, 'elder-card');
  });

  test('visit form', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.waitForTodayList();
    await app.openFirstElder();
    await app.startVisit();
    await audit(page, testInfo, 'visit-form');
  });

  test('visit form showing its validation errors', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.waitForTodayList();
    await app.openFirstElder();
    await app.startVisit();
    await page.getByTestId('visit-save').click();
    await audit(page, testInfo, 'visit-form-errors');
  });

  test('my hours and certificate', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await page.getByTestId('nav-hours').click();
    await expect(page.getByTestId('hours-page')).toBeVisible();
    await audit(page, testInfo, 'hours');
    await page.getByTestId('open-certificate').click();
    await expect(page.getByTestId('certificate-page')).toBeVisible();
    await audit(page, testInfo, 'certificate');
  });

  test('settings', async ({ app, page, logins, volunteer }, testInfo) => {
    await app.login(volunteer);
    await app.gotoSettings();
    await audit(page, testInfo, 'settings');
    await page.getByTestId('open-devices').click();
    await expect(page.getByTestId('device').first()).toBeVisible({ timeout: 20_000 });
    await expect(page).toHaveURL(/\/account\/devices$/);
    await audit(page, testInfo, '/account/devices');
  });

  test('coordinator console pages', async ({ page }, testInfo) => {
    const console_ = new ConsolePage(page);
    await page.goto('/coord');
    await expect(page.getByTestId('console-login')).toBeVisible();
    await audit(page, testInfo, 'coord-login');
    await console_.login('coord');
    await audit(page, testInfo, 'coord-dashboard');
    for (const path of ['/coord/elders', '/coord/due', '/coord/people', '/coord/regions', '/coord/surges', '/coord/care', '/coord/import', '/coord/forms', '/coord/months', '/coord/policy', '/coord/invites', '/coord/risk']) {
      await console_.goto(path);
      await audit(page, testInfo, path.replaceAll('/', '-').slice(1));
    }
    await console_.goto('/coord/elders');
    const firstRow = console_.registryRows().first();
    await expect(firstRow).toBeVisible();
    await firstRow.getByRole('link').first().click();
    await expect(page).toHaveURL(/\/coord\/elders\/[^/]+$/);
    await audit(page, testInfo, 'coord-elder');
  });

  test('group pages', async ({ page }, testInfo) => {
    for (const path of ['/groups', '/groups/register', '/join', '/join/NOSUCHCODE']) {
      await page.goto(path);
      await expect(page.locator('[data-testid]').first()).toBeVisible();
      await audit(page, testInfo, path.replaceAll('/', '-').slice(1));
    }
  });

  test('invite card and joining by SMS code (issue 17)', async ({ page, logins }, testInfo) => {
    const admin = logins.find((entry) => entry.login === 'group1')!;
    await page.goto('/groups');
    await page.getByTestId('group-login').fill(admin.login);
    await page.getByTestId('group-password').fill(admin.password);
    await page.getByTestId('group-login-submit').click();
    await page.getByTestId('group-invite-create').click();
    const code = (await page.getByTestId('invite-code').textContent())!.trim();
    await page.goto(`/join/${code}/card`);
    await expect(page.getByTestId('invite-qr')).toBeVisible();
    await audit(page, testInfo, 'invite-card');
    await page.goto(`/join/${code}`);
    await expect(page.getByTestId('join-sms-form')).toBeVisible();
    await audit(page, testInfo, 'join-sms');
  });

  test('groups: review (coordinator) and dashboard (group admin)', async ({ page, logins }, testInfo) => {
    const coord = logins.find((entry) => entry.login === 'coord')!;
    await page.goto('/groups/review');
    const form = page.getByTestId('group-login-form');
    await expect(form.or(page.locator('[data-testid]')).first()).toBeVisible();
    if (await form.isVisible()) {
      await page.getByTestId('group-login').fill(coord.login);
      await page.getByTestId('group-password').fill(coord.password);
      await page.getByTestId('group-login-submit').click();
    }
    await page.waitForLoadState('networkidle').catch(() => {});
    await audit(page, testInfo, 'groups-review');
    await page.goto('/groups/dashboard');
    await expect(page.locator('[data-testid]').first()).toBeVisible();
    await audit(page, testInfo, 'groups-dashboard');
  });
});

// Every route of the app is audited above (or by care-a11y.spec.ts): a new page without an axe
// run fails here.
test('every route of the app is covered by an axe run', () => {
  const root = path.join(__dirname, '..', 'app', 'src');
  const sources = ['app.rs', 'components/coord_routes.rs'].map((f) => fs.readFileSync(path.join(root, f), 'utf8'));
  const routes: string[] = [];
  for (const source of sources) {
    const parents: string[] = [];
    for (const line of source.split('\n')) {
      const parent = line.match(/<ParentRoute path=path!\("([^"]*)"\)/);
      if (parent) parents.push(parent[1]);
      else if (/<\/ParentRoute>/.test(line)) parents.pop();
      const route = line.match(/<Route path=path!\("([^"]*)"\)/);
      if (route) {
        const base = parents.length ? parents[parents.length - 1] : '';
        routes.push(route[1] === '' ? base : route[1].startsWith('/') ? route[1] : `${base}/${route[1]}`);
      }
    }
  }
  expect(routes.length).toBeGreaterThan(15);
  const audited = fs.readFileSync(__filename, 'utf8') + fs.readFileSync(path.join(__dirname, 'care-a11y.spec.ts'), 'utf8');
  const covered: Record<string, RegExp> = {
    '/': /'today'/,
    '/elder/:id': /'elder-card'/,
    '/elder/:id/visit': /'visit-form'/,
    '/elder/:id/emergency': /'emergency'/,
    '/coord/elders/:id': /'coord-elder'/,
    '/join/:code': /\/join\/NOSUCHCODE/,
    '/join/:code/card': /'invite-card'/,
  };
  const missing = routes.filter((route) => {
    const pattern = covered[route];
    if (pattern) return !pattern.test(audited);
    return !audited.includes(`'${route}'`) && !audited.includes(`'${route.slice(1)}'`);
  });
  expect(missing, 'routes without an axe run').toEqual([]);
});
