// Visit evidence: a volunteer who ticks "record my location when saving" saves a home visit with
// the browser's position (geolocation granted); the visit was made far from the elder's geocoded
// home and not confirmed by the elder, so the district coordinator sees both flags on the
// console's elder file (Chinese first, English second). The flags never stopped the save.
import { test, expect } from './fixtures/app';
import { ConsolePage } from './fixtures/console';
import { apiAs, adminLogin } from './fixtures/fault';

const HOME = { lat: 39.1175, lon: 117.2002 };
// About 5.5 km north of the home.
const POSITION = { latitude: 39.1675, longitude: 117.2002, accuracy: 12 };

test('a located home visit far from the home is flagged on the elder file', async ({ app, page, context, logins, volunteer, baseURL, browser }) => {
  await context.grantPermissions(['geolocation']);
  await context.setGeolocation(POSITION);
  await app.login(volunteer);
  await app.waitForTodayList();
  const elder = await app.openFirstElder();

  // A coordinator geocodes the elder's home (the file's optional location).
  const admin = await apiAs(baseURL!, adminLogin(logins));
  const detail = await (await admin.get(`/api/elders/${elder.id}`)).json();
  const saved = await admin.put(`/api/elders/${elder.id}`, { data: { ...detail.elder, location: HOME } });
  expect(saved.ok(), await saved.text()).toBeTruthy();

  await app.startVisit();
  await app.choose('mode', 'home');
  await page.getByTestId('visit-locate-on-save').locator('input').check();
  await app.saveVisit();
  await app.expectPending(0);

  // The server holds the position with its accuracy (an administrator sees coordinates).
  const visits = (await (await admin.get(`/api/elders/${elder.id}`)).json()).visits as any[];
  const located = visits.find((v) => v.location && v.location.lat === POSITION.latitude);
  expect(located, 'the saved visit carries the browser position').toBeTruthy();
  expect(located.location.accuracy_m).toBe(POSITION.accuracy);
  expect(located.confirmation.method).toBe('none');
  // Its own flags; `burst` may join them when earlier specs had this volunteer log visits in the
  // same ten minutes (the suite runs fast) — that flag has its own tests (domain, worker).
  expect(located.evidence_flags.filter((flag: string) => flag !== 'burst')).toEqual(['far_from_home', 'home_unconfirmed']);
  await admin.dispose();

  const consoleContext = await browser.newContext({ baseURL });
  const consolePage = new ConsolePage(await consoleContext.newPage());
  await consolePage.login('district');
  await consolePage.goto(`/coord/elders/${elder.id}`);
  const row = consolePage.page.locator(`[data-testid="file-visit"][data-visit-id="${located.id}"]`);
  await expect(row.locator('[data-flag="far_from_home"]')).toContainText('定位远离住址 located far from the home');
  await expect(row.locator('[data-flag="home_unconfirmed"]')).toContainText('上门未经老人确认');
  await consoleContext.close();
});
