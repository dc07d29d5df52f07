import { test, expect } from '@playwright/test';
import { ADMIN, USER, hydrated, signIn, signOut } from './session';

test('an admin backs up from the Backups page and verifies the backup; a user has no such page', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Backups' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Backups' })).toBeVisible();
  await expect(page.getByText('Scheduled backups are off')).toBeVisible();
  const before = await page.locator('#backups tbody tr').count();

  await page.getByRole('button', { name: 'Back up now' }).click();
  const made = page.getByRole('status').filter({ hasText: /^Made switchyard-\d{8}T\d{6}Z/ });
  await expect(made).toBeVisible();
  const name = (await made.locator('code').textContent())!.trim();
  const row = page.locator(`#backups tr[data-name="${name}"]`);
  await expect(row).toHaveAttribute('data-verified', 'none');
  await expect(page.locator('#backups tbody tr')).toHaveCount(before + 1);

  await row.getByRole('button', { name: 'Verify' }).click();
  await expect(row).toHaveAttribute('data-verified', 'ok');
  await expect(row.locator('.badge')).toHaveText(/^verified \d{4}-\d{2}-\d{2}/);
  await expect(row.locator('.badge')).toHaveAttribute('title', /every secret decrypts/);

  await signOut(page);
  await signIn(page, USER);
  await expect(page.getByRole('link', { name: 'Backups' })).toHaveCount(0);
  const response = await page.goto('/backups');
  expect(response?.status()).toBe(403);
});

test('the Jobs page shows each job and runs one on request', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await expect(page.locator('#jobs tr[data-job="health_checks"]')).toContainText('Scheduled checks');
  const pruning = page.locator('#jobs tr[data-job="log_pruning"]');
  await expect(pruning).toContainText('every 1 h');
  const runs = Number(await pruning.locator('.runs').textContent());
  await pruning.getByRole('button', { name: 'Run now' }).click();
  // The page follows the run: within a few seconds the count goes up and the run is ok.
  await expect(pruning.locator('.runs')).toHaveText(String(runs + 1), { timeout: 15_000 });
  await expect(pruning.locator('.status-badge')).toHaveText('ok');
});
