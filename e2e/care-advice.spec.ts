// Recording policy advice on an elder's file (issue 9, 政策宣讲): "其他" without a description is
// refused with the message at the description field; a named benefit is recorded and listed
// with its outcome and who gave it.
import { test, expect } from './fixtures/app';
import { ElderCareFile, responsibleElder } from './fixtures/care';

test('policy advice: the server\'s error at the detail field, then the advice in the list', async ({ volunteer, browser, baseURL }) => {
  const elderId = await responsibleElder(baseURL, volunteer, 3);
  const file = await ElderCareFile.open(browser, baseURL, elderId);
  const detail = `子女代为申请 ${Date.now() % 100000}`;

  await file.fillAdvice({ benefit: 'other', outcome: 'informed', detail: '' });
  await file.page.getByTestId('advice-submit').click();
  await expect(file.page.getByTestId('advice-err-detail')).toBeVisible();
  await expect(file.adviceRows(detail)).toHaveCount(0);

  await file.fillAdvice({ benefit: 'old_age_allowance', outcome: 'helped_apply', detail });
  await file.page.getByTestId('advice-submit').click();
  await expect(file.page.getByTestId('advice-recorded')).toBeVisible();
  await expect(file.page.getByTestId('advice-err-detail')).toHaveCount(0);
  const row = file.adviceRows(detail);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-benefit', 'old_age_allowance');
  await expect(row.getByTestId('advice-row-benefit')).toHaveText('高龄津贴');
  await expect(row.getByTestId('advice-row-outcome')).toHaveText('协助申请');
  await expect(row).toContainText(file.who.name);

  await file.reload();
  await expect(file.adviceRows(detail)).toHaveCount(1);
  await file.close();
});
