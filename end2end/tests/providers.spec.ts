import { test, expect } from '@playwright/test';
import { ADMIN, USER, hydrated, signIn } from './session';

test('an admin adds a custom provider from the OpenAI-compatible template and a user sees it', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Providers' }).click();
  await expect(page.locator('tr[data-identifier="gemini"] .priority')).toHaveText('10');
  await hydrated(page);

  await page.getByLabel('Name', { exact: true }).fill('Acme internal LLM');
  await page.getByLabel(/^Identifier/).fill('acme-llm');
  await page.locator('select[name="template_id"]').selectOption({ label: 'OpenAI-compatible' });
  await page.getByLabel(/^Base URL/).fill('https://llm.acme.internal/v1');
  await page.getByLabel(/^Default priority/).fill('15');
  await page.getByRole('button', { name: 'Add provider' }).click();
  await expect(page.locator('tr[data-identifier="acme-llm"] .status')).toHaveText('enabled');

  // The filter is live: custom providers only.
  await page.getByLabel('Show').selectOption('custom');
  await expect(page.locator('#providers tbody tr')).toHaveCount(1);
  await page.getByLabel('Status').selectOption('disabled');
  await expect(page.getByText('Nothing matches this filter.')).toBeVisible();
  await page.getByLabel('Status').selectOption('enabled');
  await expect(page.locator('#providers tbody tr')).toHaveCount(1);
  // A search by name; the address keeps the whole view.
  await page.getByLabel('Show').selectOption('all');
  await page.getByLabel('Search providers').fill('ACME');
  await page.getByLabel('Search providers').press('Enter');
  await expect(page.locator('#providers tbody tr')).toHaveCount(1);
  await expect(page).toHaveURL(/[?&]q=ACME\b/);
  await expect(page).toHaveURL(/[?&]status=enabled\b/);
  await page.reload();
  await hydrated(page);
  await expect(page.locator('#providers tbody tr')).toHaveCount(1);
  await expect(page.getByLabel('Search providers')).toHaveValue('ACME');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, USER);
  await page.getByRole('link', { name: 'Providers' }).click();
  await expect(page.locator('tr[data-identifier="acme-llm"]')).toContainText('Acme internal LLM');
  await expect(page.getByRole('button', { name: 'Add provider' })).toHaveCount(0);
});
