// Creating and editing a file: the domain's validation runs in the browser before sending and
// names the field; server-side errors are shown at the field the server names; a refusal needs
// a note; a possible duplicate asks for confirmation.
import { test, expect } from '@playwright/test';
import { ConsolePage, XINJIN } from './fixtures/console';

// The console is an online office tool; the phone app's service worker is kept out of its tests.
test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('field-level validation in the browser and from the server', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord/elders/new');
  await expect(page.getByTestId('file-title')).toBeVisible();

  // Nothing filled: errors at the fields, and no request leaves the browser.
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/api/elders')) posts.push(r.url());
  });
  await page.getByTestId('file-save').click();
  await expect(page.getByTestId('err-name')).toBeVisible();
  await expect(page.getByTestId('err-address')).toBeVisible();
  await expect(page.getByTestId('err-categories')).toBeVisible();
  expect(posts).toHaveLength(0);

  // Fill a valid file except a bad phone number. Name and birth date differ per run so that
  // a rerun against the same database is not a possible duplicate of the last run's file.
  const run = Date.now();
  const newName = `测试${'甲乙丙丁戊己庚辛壬癸'[run % 10]}${'春夏秋冬梅兰竹菊'[Math.floor(run / 10) % 8]}`;
  const newBirth = `19${30 + (Math.floor(run / 80) % 25)}-0${1 + (Math.floor(run / 2000) % 9)}-1${Math.floor(run / 18000) % 9}`;
  await page.getByTestId('f-name').fill(newName);
  await page.getByTestId('f-sex').selectOption('female');
  await page.getByTestId('f-birth_date').fill(newBirth);
  await page.getByTestId('f-address.region_code').selectOption(XINJIN);
  await page.getByTestId('f-address.detail').fill('新津路99号1门101室');
  await page.getByTestId('f-category-living_alone').check();
  await page.getByTestId('contact-add').click();
  await page.getByTestId('f-contact-0-name').fill('测小明');
  await page.getByTestId('f-contact-0-relation').fill('儿子');
  await page.getByTestId('f-contact-0-phone').fill('13900001111');
  await page.getByTestId('f-phone').fill('12');
  await page.getByTestId('file-save').click();
  await expect(page.getByTestId('err-phone')).toBeVisible();
  await expect(page.getByTestId('err-name')).toHaveCount(0);
  expect(posts).toHaveLength(0);
  await page.getByTestId('f-phone').fill('13812345678');

  // A refusal without a note is refused on the spot.
  await page.getByTestId('consent-decision').selectOption('declined');
  await page.getByTestId('consent-add').click();
  await expect(page.getByTestId('consent-error')).toBeVisible();
  await expect(page.getByTestId('consent-row')).toHaveCount(0);
  await page.getByTestId('consent-note').fill('老人表示子女常来，暂不需要');
  await page.getByTestId('consent-add').click();
  await expect(page.getByTestId('consent-row')).toHaveCount(1);
  await expect(page.getByTestId('consent-current')).toHaveText('拒绝');

  // Server-side check the browser cannot make: an ID number already on file (one person, one
  // file). Take elder-003's number through the audited reveal API.
  const revealed = await (await page.request.post('/api/elders/elder-003/reveal', { data: { reason: '查重测试' } })).json();
  const existing: string = revealed.id_number;
  const birth = `${existing.slice(6, 10)}-${existing.slice(10, 12)}-${existing.slice(12, 14)}`;
  const female = Number(existing[16]) % 2 === 0;
  await page.getByTestId('f-sex').selectOption(female ? 'female' : 'male');
  await page.getByTestId('f-birth_date').fill(birth);
  await page.getByTestId('f-id_number').fill(existing);
  await page.getByTestId('file-save').click();
  await expect(page.getByTestId('err-id_number')).toContainText('已建档');
  expect(posts.length).toBe(1);

  // Without the ID number the file saves and opens as an existing file.
  await page.getByTestId('f-id_number').fill('');
  await page.getByTestId('file-save').click();
  await expect(page).toHaveURL(/\/coord\/elders\/elder-/);
  await expect(page.getByTestId('file-elder-name')).toHaveText(newName);
  await expect(page.getByTestId('file-tier')).toBeVisible();

  // Editing: clearing the name is caught before sending.
  await page.getByTestId('f-name').fill('');
  await page.getByTestId('file-save').click();
  await expect(page.getByTestId('err-name')).toBeVisible();
});

test('a second file with the same name and birth date asks for confirmation', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord/elders/elder-004');
  const name = await page.getByTestId('f-name').inputValue();
  const birth = await page.getByTestId('f-birth_date').inputValue();
  await page.goto('/coord/elders/new');
  await page.getByTestId('f-name').fill(name);
  await page.getByTestId('f-birth_date').fill(birth);
  await page.getByTestId('f-address.region_code').selectOption(XINJIN);
  await page.getByTestId('f-address.detail').fill('新津路1号');
  await page.getByTestId('f-category-empty_nest').check();
  await page.getByTestId('contact-add').click();
  await page.getByTestId('f-contact-0-name').fill('测小明');
  await page.getByTestId('f-contact-0-relation').fill('儿子');
  await page.getByTestId('f-contact-0-phone').fill('13900001111');
  await page.getByTestId('file-save').click();
  await expect(page.getByTestId('duplicate-warning')).toBeVisible();
  await expect(page.getByTestId('err-name')).toBeVisible();
  await page.getByTestId('duplicate-confirm').click();
  await expect(page).toHaveURL(/\/coord\/elders\/elder-/);
  await expect(page.getByTestId('file-elder-name')).toHaveText(name);
});
