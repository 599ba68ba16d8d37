// Issue 10 in the console: upload a roster, fix a column mapping the headers did not give,
// commit in one step; download the ledger .xlsx and read it back; print forms.
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { ConsolePage, XINJIN } from './fixtures/console';
import { readSheet } from './fixtures/xlsx';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

const RUN = Date.now() % 100000;
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const tag = String(RUN).padStart(5, '0').split('').map((d) => DIGITS[Number(d)]).join('');
function birth(n: number) {
  const day = ((RUN + n * 7) % 28) + 1;
  const month = ((Math.floor(RUN / 28) + n) % 12) + 1;
  return `${1940 + ((Math.floor(RUN / 336) + n) % 20)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Starts recording each state of the import stages: "kind stage state[ sent/total]". */
async function recordStages(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __stages: string[] }).__stages = seen;
    const note = (el: Element) => {
      const kind = el.closest('[data-kind]')?.getAttribute('data-kind');
      const bar = el.querySelector('[data-testid="import-upload-progress"]');
      const state = el.getAttribute('data-state');
      const extra = bar && state === 'done' ? ` ${bar.getAttribute('value')}/${bar.getAttribute('max')}` : '';
      seen.push(`${kind} ${el.getAttribute('data-stage')} ${state}${extra}`);
    };
    new MutationObserver((records) => {
      for (const record of records) {
        const nodes = record.type === 'attributes' ? [record.target] : [...record.addedNodes];
        for (const node of nodes) {
          if (!(node instanceof Element)) continue;
          if (node.matches('[data-stage]')) note(node);
          node.querySelectorAll('[data-stage]').forEach(note);
        }
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}
const stagesSeen = (page: Page) => page.evaluate(() => (window as unknown as { __stages: string[] }).__stages);

test('upload a roster, fix a mapping, commit; export the ledger and read it back; print forms', async ({ page }) => {
  const console = new ConsolePage(page);
  await console.login('coord', '/coord/import');
  await expect(page.getByTestId('coord-import')).toBeVisible();

  // The phone column has a header no alias knows (a new header per run, so no remembered
  // mapping applies): every row lacks its contact's phone until the coordinator maps it.
  const phoneHeader = `家属手机${tag}`;
  const names = [`导入甲${tag}`, `导入乙${tag}`];
  const csv = [
    '新津社区特殊困难老年人摸底排查表',
    `序号,姓名,出生日期,区划代码,类别,紧急联系人,与老人关系,${phoneHeader}`,
    `1,${names[0]},${birth(1)},${XINJIN},独居,王明,儿子,13812345678`,
    `2,${names[1]},${birth(2)},${XINJIN},空巢,李明,女儿,13912345678`,
  ].join('\n');
  // Every stage the page shows is recorded as it changes (no timing involved): the upload with
  // its bytes (XMLHttpRequest upload events), then the server's check.
  await recordStages(page);
  const bytes = Buffer.from(csv, 'utf8');
  await page.getByTestId('import-file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: bytes });
  await expect(page.getByTestId('import-summary')).toContainText('有错误 2');
  await expect(page.getByTestId('import-stages')).toHaveCount(0);
  const seen = await stagesSeen(page);
  expect(seen).toContain('check upload active');
  expect(seen).toContain(`check upload done ${bytes.length}/${bytes.length}`);
  expect(seen).toContain('check check active');
  // With errors, the list starts with the rows that have them; each row shows its 序号 too.
  await expect(page.getByTestId('import-filter')).toHaveValue('error');
  const firstRow = page.locator('[data-testid="import-row"][data-row="3"]');
  await expect(firstRow).toHaveAttribute('data-action', 'error');
  await expect(firstRow).toHaveAttribute('data-serial', '1');
  await expect(firstRow.getByTestId('import-row-serial')).toHaveText('1');
  await expect(firstRow).toContainText('紧急联系人电话无效');
  await expect(page.locator('[data-testid="import-map"][data-header="序号"]')).toHaveValue('external_id');
  await expect(page.getByTestId('import-serial-hint')).toContainText('不会存入档案');
  await expect(page.getByTestId('import-commit')).toBeDisabled();

  // Fix the mapping: the unknown column is the contact's phone.
  await page.locator(`[data-testid="import-map"][data-header="${phoneHeader}"]`).selectOption('contact_phone');
  await expect(page.getByTestId('import-summary')).toContainText('新建 2');
  await expect(page.getByTestId('import-summary')).toContainText('有错误 0');
  await expect(page.locator('[data-testid="import-row"][data-action="new"]')).toHaveCount(2);

  // The commit's stages: upload, then the one-batch write (no made-up per-row progress).
  await recordStages(page);
  await page.getByTestId('import-commit').click();
  await expect(page.getByTestId('import-result')).toContainText('新建 2 份');
  expect(await stagesSeen(page)).toEqual(expect.arrayContaining(['commit upload active', 'commit commit active']));

  // The files exist on the server with the mapped phone.
  const found = await (await page.request.get(`/api/elders?q=${encodeURIComponent(names[0])}`)).json();
  expect(found.total).toBe(1);
  const elderId = found.items[0].id;
  const detail = await (await page.request.get(`/api/elders/${elderId}`)).json();
  expect(detail.elder.emergency_contacts[0].phone).toBe('13812345678');

  // The ledger .xlsx, downloaded through the link, read back cell by cell.
  await page.getByTestId('export-from').fill('2020-01-01');
  await page.getByTestId('export-to').fill('2030-12-31');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-ledger-xlsx').click(),
  ]);
  expect(download.suggestedFilename()).toBe(`tanfang-ledger-${XINJIN}.xlsx`);
  const rows = readSheet(await readFile(await download.path()));
  expect(rows[0][0]).toBe('新津社区特殊困难老年人探访关爱台账（2020-01-01 至 2030-12-31）');
  expect(rows[1].slice(0, 4)).toEqual(['序号', '姓名', '性别', '出生日期']);
  const mine = rows.find((r) => r[1] === names[0]);
  expect(mine).toBeTruthy();
  expect(mine![3]).toBe(birth(1));
  expect(mine![6]).toBe('新津社区');
  expect(mine![8]).toBe('独居');
  expect(mine![12]).toBe('王明');
  // Every ID number in the ledger is masked.
  for (const r of rows.slice(2)) expect(r[5] ?? '').not.toMatch(/^\d{17}[\dX]$/);

  // The CSV opens too (UTF-8 with BOM).
  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-ledger-csv').click(),
  ]);
  const csvBytes = await readFile(await csvDownload.path());
  expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(csvBytes.toString('utf8')).toContain(names[1]);

  // Printable forms: the elder's information form filled, the visit record blank.
  await page.goto(`/coord/forms?kind=elder&elder=${elderId}`);
  await expect(page.getByTestId('form-elder')).toBeVisible();
  await expect(page.getByTestId('form-name')).toHaveText(names[0]);
  await expect(page.getByTestId('form-elder')).toContainText('☑独居');
  await page.goto('/coord/forms?kind=visit');
  await expect(page.getByTestId('form-visit')).toContainText('特殊困难老年人探访关爱服务记录表');
  await expect(page.getByTestId('form-name')).toHaveText('');
});
