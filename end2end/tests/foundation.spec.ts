import { test, expect } from '@playwright/test';
import { ADMIN, USER, hydrated, signIn, signOut } from './session';

test.describe.serial('a fresh Switchyard', () => {
  test('the set-up link creates the first admin, who sees the overview and signs out', async ({ page }) => {
    const setupUrl = process.env.SETUP_URL;
    expect(setupUrl, 'scripts/end2end passes the link from the server log').toBeTruthy();
    await page.goto(setupUrl!);
    await hydrated(page);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Name').fill(ADMIN.name);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();

    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    await expect(page.locator('[data-figure="providers"] .figure-value')).toHaveText('8');
    await expect(page.locator('[data-figure="users"] .figure-value')).toHaveText('1');
    await expect(page.locator('.topbar .who')).toContainText(ADMIN.name);
    await signOut(page);

    // The link is spent.
    await page.goto(setupUrl!);
    await expect(page.getByText('Set-up is already done')).toBeVisible();
  });

  test('show password works only once the page is hydrated', async ({ page }) => {
    await page.goto('/login');
    const password = page.getByLabel('Password', { exact: true });
    await expect(password).toHaveAttribute('type', 'password');
    // Server HTML alone cannot do this: the checkbox's handler lives in the wasm.
    await expect(async () => {
      await page.getByLabel('Show password').setChecked(false);
      await page.getByLabel('Show password').setChecked(true);
      await expect(password).toHaveAttribute('type', 'text', { timeout: 500 });
    }).toPass({ timeout: 15_000 });
  });

  test('a wrong password shows an error and keeps the visitor out', async ({ page }) => {
    await page.goto('/login');
    await hydrated(page);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill('not the right password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
  });

  test('an admin adds a user, who cannot reach admin pages', async ({ page }) => {
    await signIn(page, ADMIN);
    await page.getByRole('link', { name: 'Users' }).click();
    await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
    await hydrated(page);
    await page.getByLabel('Email').fill(USER.email);
    await page.getByLabel('Name').fill(USER.name);
    await page.getByLabel(/Initial password/).fill(USER.password);
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.locator(`tr[data-email="${USER.email}"] .role`)).toHaveText('user');
    await signOut(page);

    await signIn(page, USER);
    await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
    const response = await page.goto('/users');
    expect(response?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: '403 · Not allowed' })).toBeVisible();
    await expect(page.getByText(ADMIN.email)).toHaveCount(0);
  });
});
