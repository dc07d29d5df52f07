import { test, expect, Page } from '@playwright/test';
import { ADMIN, USER, hydrated, signIn, signOut, openRowMenu } from './session';

const OTHER = { email: 'other@example.com', password: 'other user password' };

async function names(page: Page) {
  return page.locator('#credentials td.name').allTextContents();
}

test('an admin adds two credentials, reorders them, replaces a key and deletes one', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Credentials' }).click();
  await expect(page.getByRole('heading', { name: 'Credentials', level: 1 })).toBeVisible();
  await hydrated(page);

  const form = page.locator('#create-credential');
  for (const [name, key] of [['Groq primary', 'gsk-primary-000000000001'], ['Groq backup', 'gsk-backup-0000000000002']]) {
    await form.locator('select[name="provider"]').selectOption({ label: 'Groq' });
    // The template draws the key field, as a password input.
    await expect(form.locator('input[name="fields[api_key]"]')).toHaveAttribute('type', 'password');
    await form.getByLabel('Name').fill(name);
    await form.locator('input[name="fields[api_key]"]').fill(key);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator(`tr[data-name="${name}"] .priority`)).toHaveText('20');
  }
  await expect(page.locator('tr[data-name="Groq primary"] .hint')).toHaveText('••••0001');
  expect(await names(page)).toEqual(['Groq backup', 'Groq primary']);
  expect(await page.content()).not.toContain('gsk-primary-000000000001');

  // A name clash is refused next to its field, and nothing is added.
  await form.getByLabel('Name').fill('Groq primary');
  await form.locator('input[name="fields[api_key]"]').fill('gsk-clash-000000000009');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.locator('.field-error[data-field="name"]')).toContainText('already exists');
  expect(await names(page)).toEqual(['Groq backup', 'Groq primary']);

  // Move the primary key up: the order on screen changes at once.
  await page.locator('tr[data-name="Groq primary"]').getByTitle('Move up').click();
  await expect(page.locator('#credentials td.name')).toHaveText(['Groq primary', 'Groq backup']);
  await expect(page.locator('tr[data-name="Groq primary"] .priority')).toHaveText('19');

  // Replace the backup's key: the form never shows the old one.
  await openRowMenu(page.locator('tr[data-name="Groq backup"]'));
  await page.locator('tr[data-name="Groq backup"]').getByRole('button', { name: 'Edit / replace key' }).click();
  const edit = page.locator('#edit-credential');
  await expect(edit.locator('input[name="fields[api_key]"]')).toHaveAttribute('placeholder', 'leave empty to keep ••••0002');
  await expect(edit.locator('input[name="fields[api_key]"]')).toHaveValue('');
  await edit.locator('input[name="fields[api_key]"]').fill('gsk-backup-0000000000003');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('tr[data-name="Groq backup"] .hint')).toHaveText('••••0003');
  await expect(page.locator('#edit-credential')).toHaveCount(0);

  // Asking first puts focus on Cancel: Enter after the click keeps the row.
  const backup = page.locator('tr[data-name="Groq backup"]');
  await openRowMenu(backup);
  await backup.getByRole('button', { name: 'Delete' }).click();
  await expect(backup.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(backup.getByRole('button', { name: 'Delete' })).toBeFocused();
  await backup.getByRole('button', { name: 'Delete' }).click();
  await backup.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.locator('#credentials td.name')).toHaveText(['Groq primary']);

  // The order rule for everyone: global credentials first, and back.
  // It changes every route: it asks first, and Escape leaves it as it was.
  await page.getByRole('button', { name: 'Put global credentials first' }).click();
  await expect(page.locator('#order-setting [role="group"]')).toContainText('follows the new order');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Put global credentials first' })).toBeFocused();
  await expect(page.locator('#order-setting')).toContainText("a user's own connections before");
  await page.getByRole('button', { name: 'Put global credentials first' }).click();
  await page.getByRole('button', { name: 'Switch the order' }).click();
  await expect(page.locator('#order-setting')).toContainText('global credentials before');
  await page.getByRole('button', { name: "Put users' connections first" }).click();
  await page.getByRole('button', { name: 'Switch the order' }).click();
  await expect(page.locator('#order-setting')).toContainText("a user's own connections before");

});

test("a user's connection is invisible to another user", async ({ page }) => {
  await signIn(page, ADMIN);
  const created = await page.request.post('/api/admin/users', {
    data: { email: OTHER.email, displayName: 'Other User', password: OTHER.password },
  });
  expect(created.status()).toBe(201);
  await signOut(page);

  await signIn(page, USER);
  await expect(page.getByRole('link', { name: 'Credentials' })).toHaveCount(0);
  await page.getByRole('link', { name: 'My connections' }).click();
  await hydrated(page);
  await expect(page.getByText('You have no connections yet')).toBeVisible();
  const form = page.locator('#create-credential');
  await form.locator('select[name="provider"]').selectOption({ label: 'Google Gemini' });
  await form.getByLabel('Name').fill('My Gemini');
  await form.locator('input[name="fields[api_key]"]').fill('AIza-user-key-0000000042');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('tr[data-name="My Gemini"] .hint')).toHaveText('••••0042');
  const mine = await (await page.request.get('/api/connections')).json();
  const id = mine.data[0].id;

  await signOut(page);
  await signIn(page, OTHER);
  await page.getByRole('link', { name: 'My connections' }).click();
  await expect(page.getByText('You have no connections yet')).toBeVisible();
  await expect(page.locator('tr[data-name="My Gemini"]')).toHaveCount(0);
  expect((await page.request.get(`/api/connections/${id}`)).status()).toBe(404);
  expect((await page.request.get('/credentials')).status()).toBe(403);
});

test('a user makes an API token, sees it once, uses it and revokes it', async ({ page }) => {
  await signIn(page, USER);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await hydrated(page);
  await expect(page.locator('input[name="scopes[secrets_read]"]')).toHaveCount(0);
  const form = page.locator('#create-token');
  await form.getByLabel('Name').fill('laptop');
  await form.getByRole('button', { name: 'Create token' }).click();
  const shown = page.locator('#new-token code.token');
  await expect(shown).toHaveText(/^sy_/);
  const token = (await shown.textContent())!.trim();
  // Its copy button puts exactly the token on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator('#new-token').getByRole('button', { name: 'Copy' }).click();
  await expect(page.locator('#new-token').getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await expect(page.locator('tr[data-name="laptop"] .status')).toHaveText('active');
  expect(await page.locator('#tokens').textContent()).not.toContain(token);

  const asked = await page.request.post('/api/resolve', { headers: { 'x-api-key': token }, data: { provider: 'gemini' } });
  expect(asked.status()).toBe(200);
  expect((await asked.json()).candidates.map((c: { name: string }) => c.name)).toContain('My Gemini');

  const laptop = page.locator('tr[data-name="laptop"]');
  await laptop.getByRole('button', { name: 'Revoke' }).click();
  await page.keyboard.press('Escape');
  await expect(laptop.getByRole('button', { name: 'Revoke' })).toBeFocused();
  expect((await page.request.post('/api/resolve', { headers: { 'x-api-key': token }, data: { provider: 'gemini' } })).status()).toBe(200);
  await laptop.getByRole('button', { name: 'Revoke' }).click();
  await laptop.getByRole('button', { name: 'Revoke it' }).click();
  await expect(laptop.locator('.status')).toHaveText('revoked');
  const refused = await page.request.post('/api/resolve', { headers: { 'x-api-key': token }, data: { provider: 'gemini' } });
  expect(refused.status()).toBe(401);
});

test('an admin reads the audit log and filters it by action', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await hydrated(page);
  await expect(page.locator('#audit tbody tr').first()).toBeVisible();
  await page.getByLabel('Action').selectOption('credential.create');
  await expect(page.locator('#audit tr[data-action="credential.create"]').first()).toBeVisible();
  await expect(page.locator('#audit tbody tr:not([data-action="credential.create"])')).toHaveCount(0);
  await expect(page.locator('#audit')).toContainText('Groq primary');
  expect(await page.content()).not.toContain('gsk-primary-000000000001');
});
