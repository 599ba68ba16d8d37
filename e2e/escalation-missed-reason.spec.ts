// The escalation ladder's last step (issue 15): at the period's end an unmet requirement is
// missed; the coordinator enters the reason on the 风险名单 page and the ledger export's sheet
// 未完成探访 shows it.
import { test, expect } from '@playwright/test';
import { ConsolePage, seedLogins } from './fixtures/console';
import { ladderElder, runLadder, RiskPage, missedSheet, NEXT_MONTH_START, NEXT_MONTH_END, MONTH_AFTER_START } from './fixtures/escalation';

test('the coordinator records a missed reason at period end and the ledger shows it', async ({ page, baseURL, request }) => {
  const logins = await seedLogins(request);
  const elder = await ladderElder(baseURL!, logins);
  await runLadder(request, NEXT_MONTH_END, [elder.id]);
  await runLadder(request, MONTH_AFTER_START, [elder.id]);

  const console = new ConsolePage(page);
  await console.login('coord', '/coord/risk?step=missed');
  const risk = new RiskPage(page);
  await expect(page.getByTestId('coord-risk')).toBeVisible();
  const row = risk.row(elder.id, NEXT_MONTH_START);
  await expect(row).toHaveAttribute('data-step', 'missed');
  // 其他 without a word is refused, naming what is missing; nothing is saved.
  await risk.recordReason(row, 'other');
  await expect(row.getByTestId('risk-reason-error')).toContainText('其他');
  await risk.recordReason(row, 'hospital', '市第一医院');
  await expect(row.getByTestId('risk-reason-saved')).toContainText('住院（市第一医院）');

  // The ledger of the period: its sheet 未完成探访 lists the requirement with its reason.
  const response = await page.request.get(`/api/exports/ledger?from=${NEXT_MONTH_START}&to=${NEXT_MONTH_END}`);
  expect(response.ok(), await response.text()).toBeTruthy();
  const rows = missedSheet(Buffer.from(await response.body()));
  expect(rows[1]).toEqual(['序号', '姓名', '社区(村)', '探访要求', '周期开始', '周期结束', '探访责任人', '备用探访人', '未完成原因', '原因说明', '登记人']);
  const mine = rows.find((r) => r[1] === elder.name);
  expect(mine, JSON.stringify(rows.slice(0, 5))).toBeTruthy();
  expect(mine!.slice(4, 11)).toEqual([NEXT_MONTH_START, NEXT_MONTH_END, '黄志愿', '孙志愿', '住院', '市第一医院', expect.any(String)]);
});
