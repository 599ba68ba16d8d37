// Phones as they are: WeChat's in-app browser (its user agent) on a 360 px wide screen. The
// volunteer signs in by SMS code, and neither Today nor the visit form scrolls sideways; a
// visit saved there is queued and sent like anywhere else.
import { test, expect } from './fixtures/app';

const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 12; V2134A Build/SP1A.210812.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5061 MMWEBSDK/20230303 MMWEBID/1234 ' +
  'MicroMessenger/8.0.34.2340(0x2800223D) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

test.use({ userAgent: WECHAT_UA, viewport: { width: 360, height: 740 }, serviceWorkers: 'block' });

async function expectNoSidewaysScroll(page: import('@playwright/test').Page, where: string) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll, `${where} scrolls sideways`).toBeLessThanOrEqual(widths.client);
}

test('in WeChat at 360 px: SMS sign-in, Today and the visit form fit, a visit is sent', async ({ app, page, volunteer, request }) => {
  test.setTimeout(90_000);
  await app.gotoLogin();
  await page.getByTestId('login-tab-sms').click();
  await expectNoSidewaysScroll(page, 'the log-in page');
  await request.post('/api/dev/sms/age', { data: { mobile: volunteer.mobile, ms: 61_000 } });
  await app.smsLogin(volunteer, request);
  await app.waitForTodayList();
  await expectNoSidewaysScroll(page, 'Today');
  await app.openFirstElder();
  await app.startVisit();
  await expectNoSidewaysScroll(page, 'the visit form');
  await app.choose('mode', 'phone');
  await app.choose('mood', 'better');
  await app.choose('gas', 'fairly_safe');
  await page.getByTestId('visit-suggestions').fill(`wechat-${Date.now()}`);
  await app.saveVisit();
  await app.expectPending(0);
});
