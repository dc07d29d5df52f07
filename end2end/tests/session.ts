import { expect, Locator, Page } from '@playwright/test';

// Created by foundation.spec.ts, which runs first (one worker, files in name order).
export const ADMIN = { email: 'admin@example.com', name: 'First Admin', password: 'first admin password' };
export const USER = { email: 'user@example.com', name: 'Regular User', password: 'regular user password' };

/** Set by the app in the browser only: pages are interactive from here on. */
export async function hydrated(page: Page) {
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 15_000 });
}

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
}

/** Opens a table row's "More" menu (its less frequent actions), if it is closed. */
export async function openRowMenu(row: Locator) {
  const menu = row.locator('details.row-menu');
  if ((await menu.getAttribute('open')) === null) await menu.locator('summary').click();
  await expect(menu).toHaveAttribute('open', '');
}
