// Invites as QR codes (issue 17): a group admin's invite card shows a QR code that decodes (a
// screenshot of the rendered SVG, read by jsQR) to the link that joins the group; following
// that link on another phone, with the SMS code from the dev outbox, joins the group — no
// password — signs that phone in (the app opens on Today) and the admin sees the new member. The card prints on A6, and its 360 px
// screenshot goes to docs/.
import * as path from 'node:path';
import { test, expect } from './fixtures/app';
import { freshMobile } from './fixtures/groups';
import { decodeQr, InviteCardPages, JoinByInvite } from './fixtures/invites';

const DOCS = path.join(__dirname, '..', 'docs');

test.use({ serviceWorkers: 'block' });

test('an invite QR code decodes to the link that joins the group, and following it joins', async ({ page, browser, logins, request, baseURL }) => {
  test.setTimeout(90_000);
  const admin = logins.find((entry) => entry.login === 'group1')!;
  const cards = new InviteCardPages(page);
  await cards.loginOnGroups(admin.login, admin.password);
  const code = await cards.createGroupInvite();
  const link = await decodeQr(cards.qr());
  expect(link).toBe(`${baseURL!.replace(/\/$/, '')}/join/${code}`);
  await expect(cards.card().getByTestId('invite-link')).toHaveText(link);

  // The card alone, at 360 px, for the docs; it prints on one A6 page (105 × 148 mm).
  await cards.openCard(code);
  expect(await decodeQr(cards.qr())).toBe(link);
  await expect(cards.card().getByTestId('invite-copy')).toBeVisible();
  await page.screenshot({ path: path.join(DOCS, 'screenshot-invite-card-360.png'), fullPage: true });
  const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
  const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
  expect(boxes.length, 'the card prints on one page').toBe(1);
  expect(Math.round(Number(boxes[0][1]))).toBe(298); // 105 mm in points
  expect(Math.round(Number(boxes[0][2]))).toBe(420); // 148 mm in points

  // Another phone follows the decoded link and joins by SMS code.
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', serviceWorkers: 'block' });
  const joinPage = await phone.newPage();
  const mobile = freshMobile();
  const name = `扫码${String(Date.now()).slice(-4)}`;
  await new JoinByInvite(joinPage).join(link, request, { mobile, name });
  await expect(joinPage.getByTestId('join-done')).toHaveAttribute('data-kind', 'volunteer');
  // Signed in on that phone: the app opens on Today, not on the log-in page.
  await joinPage.getByTestId('join-open-app').click();
  await expect(joinPage.getByTestId('today-page')).toBeVisible({ timeout: 20_000 });
  await expect(joinPage).toHaveURL(/\/$/);
  await phone.close();

  // The admin's member list has the new member; the invite is used.
  await page.goto('/groups');
  await expect(page.getByTestId('group-member').filter({ hasText: name })).toBeVisible();
  await expect(page.getByTestId('group-invite-row').filter({ hasText: code })).toHaveAttribute('data-status', 'used');
});
