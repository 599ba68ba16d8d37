// Searching the Today list by name, and by pinyin initials or full pinyin
// (`tanfang_domain::pinyin::matches` on the search key the server sends with each elder).
import { test, expect, pullAs } from './fixtures/app';

test('search by Chinese name', async ({ app, page, volunteer }) => {
  await app.login(volunteer);
  await app.waitForTodayList();
  const total = await app.todayItems().count();
  const name = (await page.getByTestId('today-item-name').first().textContent()) ?? '';
  await app.search(name.slice(0, 2));
  await expect(app.todayItems().filter({ hasText: name })).toHaveCount(1);
  for (const shown of await page.getByTestId('today-item-name').allTextContents()) {
    expect(shown).toContain(name.slice(0, 2));
  }
  await app.search('qqqq');
  await expect(page.getByTestId('today-no-match')).toBeVisible();
  await app.search('');
  await expect(app.todayItems()).toHaveCount(total);
});

test('search by pinyin initials and full pinyin', async ({ app, volunteer, playwright, baseURL }) => {
  // The phone has no pinyin table (size budget): it needs the server's key for each elder.
  const api = await playwright.request.newContext({ baseURL });
  const pull = await pullAs(api, volunteer);
  await api.dispose();
  const keyOf = (elder: any): string => elder.search_key ?? '';
  const elder = (pull.elders as any[]).find((candidate) => keyOf(candidate));
  expect(elder, 'every elder in the pull carries its pinyin search key').toBeTruthy();
  const groups: string[] = keyOf(elder).split(' ');
  const initials = groups.map((group) => group[0]).join('');
  const full = groups.map((group) => group.split('|')[0]).join('');

  await app.login(volunteer);
  await app.waitForTodayList();
  const total = await app.todayItems().count();
  await app.search(initials);
  await expect(app.todayItems().filter({ hasText: elder.name })).toHaveCount(1);
  expect(await app.todayItems().count()).toBeLessThanOrEqual(total);
  await app.search(full.toUpperCase());
  await expect(app.todayItems().filter({ hasText: elder.name })).toHaveCount(1);
});
