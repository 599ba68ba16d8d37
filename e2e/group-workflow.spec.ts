// Issue 7 end to end, in three browsers (group admin, coordinator, student member): register a
// school group, the coordinator approves it, the group asks to pair with 新津社区 and the
// coordinator accepts, the group invites a student who signs up by code, the coordinator assigns
// two elders to the student, the student logs a visit on the phone app, and the visit and its
// service hours show on the group's dashboard — which holds no elder data.
import { test, expect, volunteerLogin, VolunteerApp } from './fixtures/app';
import { GroupAdminPages, CoordinatorReviewPage, JoinPage, creditCode, freshMobile } from './fixtures/groups';

const XINJIN = '120101001001';

test('register, approve, pair, invite, sign up by code, assign, visit, dashboard', async ({ browser, logins }) => {
  test.setTimeout(180_000);
  const coordinator = volunteerLogin(logins, 'coord');
  const groupName = `二十中青年志愿服务队${Date.now() % 100000}`;
  const student = { name: '钱同学', phone: freshMobile(), password: 'student-pass-1',
    school: '天津市第二十中学', className: '高二（3）班', studentNumber: `E2E${Date.now() % 1000000}` };

  const adminContext = await browser.newContext();
  const coordContext = await browser.newContext();
  const memberContext = await browser.newContext();
  try {
    const admin = new GroupAdminPages(await adminContext.newPage());
    const review = new CoordinatorReviewPage(await coordContext.newPage());
    const memberPage = await memberContext.newPage();

    // 1. The group registers itself and waits for review.
    await admin.register({
      name: groupName, kind: 'school', creditCode: creditCode('12120101M'), regionCode: XINJIN,
      contactName: '孙老师', contactPhone: freshMobile(), password: 'group-pass-1',
    });
    await expect(admin.status()).toHaveAttribute('data-status', 'pending');
    await expect(admin.page.getByTestId('group-wait')).toBeVisible();

    // 2. The community's coordinator approves it.
    await review.open(coordinator.login, coordinator.password);
    await review.approve(groupName);

    // 3. The group asks to pair with 新津社区; the coordinator accepts.
    await admin.gotoHome();
    await expect(admin.status()).toHaveAttribute('data-status', 'approved');
    await admin.requestPairing(XINJIN);
    await review.page.reload();
    await expect(review.card(groupName)).toBeVisible();
    await review.acceptPairing(groupName, XINJIN);
    await admin.gotoHome();
    await expect(admin.pairing(XINJIN)).toHaveAttribute('data-status', 'active');

    // 4. An invite code; the student signs up with it (school details required).
    const code = await admin.createInvite();
    await new JoinPage(memberPage).signUp(`/join/${code}`, student);
    await admin.gotoHome();
    await expect(admin.page.getByTestId('group-member').filter({ hasText: student.name })).toBeVisible();

    // 5. The coordinator assigns two elders of 新津社区 to the student.
    await review.page.reload();
    await review.assignElders(groupName, XINJIN, 2);

    // 6. The student logs in on the phone app, sees the two elders and logs a visit.
    const app = new VolunteerApp(memberPage);
    await app.login({ role: 'volunteer', login: student.phone, password: student.password, name: student.name });
    await app.waitForTodayList();
    await expect(app.todayItems()).toHaveCount(2);
    await app.openFirstElder();
    await app.startVisit();
    await app.choose('mode', 'phone');
    await app.choose('mood', 'better');
    await app.choose('gas', 'fairly_safe');
    await app.saveVisit();
    await app.expectPending(0);

    // 7. The group's dashboard shows the visit and its hours (default 30 minutes), no elder data.
    await admin.gotoDashboard();
    const row = admin.dashboardRow(student.name);
    await expect(row.getByTestId('dashboard-month-visits')).toHaveText('1');
    await expect(row.getByTestId('dashboard-month-hours')).toHaveText('0.5');
    await expect(admin.page.getByTestId('dashboard-paired')).toContainText('成员负责的老人 2 位');
    const text = await admin.page.locator('main').innerText();
    expect(text).not.toMatch(/elder-\d/);
    expect(text).not.toMatch(/\d{17}[\dX]/);
    await expect(admin.page.getByTestId('dashboard-export')).toHaveAttribute('href', /\/hours\.csv\?term=\d{4}-\d{4}-(1|2|summer)/);
    await row.getByTestId('dashboard-certificate').click();
    await expect(admin.page.getByTestId('group-certificate')).toContainText(student.studentNumber);
    await expect(admin.page.getByTestId('group-certificate')).toContainText('0.5 小时');
  } finally {
    await adminContext.close();
    await coordContext.close();
    await memberContext.close();
  }
});
