import { test, expect, Locator, Page } from '@playwright/test';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ADMIN, hydrated } from './session';

// The whole journey with the keyboard alone: no click, no fill. Runs after
// foundation.spec.ts (name order), which made the admin; removes what it adds.
let upstream: http.Server;
let upstreamUrl = '';
test.beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: [{ id: 'keyboard-model' }] }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});
test.afterAll(() => new Promise<void>((resolve) => {
  upstream.closeAllConnections();
  upstream.close(() => resolve());
}));

/** Presses Tab until `target` has the focus, as someone without a mouse would. */
async function tabTo(page: Page, target: Locator, most = 80) {
  for (let n = 0; n < most; n++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${most} Tabs did not reach ${target}`);
}

test('keyboard only: sign in, add a credential, test it, delete it', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await tabTo(page, page.getByLabel('Email'));
  await page.keyboard.type(ADMIN.email);
  await tabTo(page, page.getByLabel('Password', { exact: true }));
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await hydrated(page);

  const made = await page.request.post('/api/admin/providers', {
    data: { identifier: 'keyboard-upstream', name: 'Keyboard upstream', templateId: 'openai-compatible', baseUrl: upstreamUrl },
  });
  expect(made.status()).toBe(201);

  await tabTo(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Credentials' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Credentials', level: 1 })).toBeVisible();
  await hydrated(page);

  const form = page.locator('#create-credential');
  const provider = form.locator('select[name="provider"]');
  await tabTo(page, provider);
  // A closed select takes typed letters: "Keyboard" picks "Keyboard upstream".
  await page.keyboard.type('Keyboard');
  await expect(provider.locator('option:checked')).toHaveText('Keyboard upstream');
  await tabTo(page, form.getByLabel('Name'));
  await page.keyboard.type('Typed key');
  await tabTo(page, form.locator('input[name="fields[api_key]"]'));
  await page.keyboard.type('sk-keyboard-only-000000001');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Saved Typed key' })).toBeVisible();

  const row = page.locator('tr[data-name="Typed key"]');
  const testButton = row.getByRole('button', { name: 'Test' });
  await tabTo(page, testButton);
  await page.keyboard.press('Enter');
  await expect(page.locator('.probe-row')).toContainText('Test passed');
  await expect(row.locator('.last-test')).toContainText('ok');
  // The list redrew the row; the keyboard is still where it was.
  await expect(testButton).toBeFocused();

  // The other actions are in the row's menu: Enter opens it, Escape closes it.
  const more = row.locator('details.row-menu > summary');
  await tabTo(page, more);
  await expect(more).toHaveAttribute('aria-label', 'More actions for Typed key');
  await page.keyboard.press('Enter');
  await expect(row.locator('details.row-menu')).toHaveAttribute('open', '');
  await page.keyboard.press('Escape');
  await expect(row.locator('details.row-menu')).not.toHaveAttribute('open', '');
  await expect(more).toBeFocused();
  await page.keyboard.press('Enter');
  const remove = row.getByRole('button', { name: 'Delete' });
  await tabTo(page, remove);
  await page.keyboard.press('Enter');
  await expect(row.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(row.getByRole('button', { name: 'Delete for good' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(row).toHaveCount(0);

  const providers = await (await page.request.get('/api/admin/providers')).json();
  const ours = providers.data.find((p: { identifier: string }) => p.identifier === 'keyboard-upstream');
  expect((await page.request.delete(`/api/admin/providers/${ours.id}`)).ok()).toBeTruthy();
});
