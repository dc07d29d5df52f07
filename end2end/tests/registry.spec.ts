import { test, expect } from '@playwright/test';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ADMIN, USER, hydrated, signIn } from './session';

const KEY = 'sk-fake-upstream-1234';

// A provider that speaks the OpenAI model-list API and accepts one key.
let upstream: http.Server;
let upstreamUrl = '';
test.beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const ok = req.url === '/v1/models' && req.headers.authorization === `Bearer ${KEY}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { data: [{ id: 'acme-fast' }, { id: 'acme-large' }] } : { error: 'bad key' }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});
test.afterAll(() => new Promise<void>((resolve) => {
  upstream.closeAllConnections();
  upstream.close(() => resolve());
}));

test('an admin edits a provider, reviews and applies a model sync, adds and disables models', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Providers' }).click();
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Fake upstream');
  await page.getByLabel(/^Identifier/).fill('fake-upstream');
  await page.locator('select[name="template_id"]').selectOption({ label: 'OpenAI-compatible' });
  await page.getByLabel(/^Base URL/).fill('https://placeholder.example.com/v1');
  await page.getByRole('button', { name: 'Add provider' }).click();
  await page.locator('tr[data-identifier="fake-upstream"]').getByRole('link', { name: 'Fake upstream' }).click();
  await expect(page.getByRole('heading', { name: 'Fake upstream', level: 1 })).toBeVisible();
  await hydrated(page);

  // Settings: the real base URL and a priority; a bad URL is refused next to its field.
  const settings = page.locator('#edit-provider');
  await settings.getByLabel('Base URL').fill('ftp://files.example.com');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings.locator('.field-error[data-field="base_url"]')).toBeVisible();
  // The refused value stays in the form to be corrected.
  await page.waitForLoadState('networkidle');
  await expect(settings.getByLabel('Base URL')).toHaveValue('ftp://files.example.com');
  await settings.getByLabel('Base URL').fill(upstreamUrl);
  await settings.getByLabel(/^Default priority/).fill('25');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(page.locator('#edit-provider').getByLabel(/^Default priority/)).toHaveValue('25');
  await hydrated(page);

  // No key typed and none saved for this provider: the form says what to do.
  const sync = page.locator('#sync-models');
  await expect(sync.getByLabel(/API key/)).toHaveAttribute('type', 'password');
  await sync.getByRole('button', { name: 'Preview changes' }).click();
  await expect(sync.locator('.field-error[data-field="fields.api_key"]')).toContainText('no active saved key');

  // A wrong key: the provider's refusal is explained, nothing changes.
  await sync.getByLabel(/API key/).fill('sk-wrong');
  await sync.getByRole('button', { name: 'Preview changes' }).click();
  await expect(sync.getByRole('alert')).toContainText('401');
  await expect(page.locator('#model-list')).toHaveCount(0);

  // The right key: review first, then apply with the same (unsaved) key.
  await sync.getByLabel(/API key/).fill(KEY);
  await sync.getByRole('button', { name: 'Preview changes' }).click();
  await expect(sync.locator('.diff .added li')).toHaveText(['acme-fast', 'acme-large']);
  await expect(page.locator('#model-list')).toHaveCount(0);
  await sync.getByRole('button', { name: 'Apply these changes' }).click();
  await expect(page.locator('#model-list tbody tr')).toHaveCount(2);
  await expect(page.locator('#sync-models .summary')).toContainText('Applied: 2 added');
  await expect(page.locator('#models .subtitle')).toContainText('Last synced');

  // By hand, and a duplicate refused.
  const add = page.locator('#add-model');
  await add.getByLabel('Model id').fill('acme-custom');
  await add.getByRole('button', { name: 'Add model' }).click();
  await expect(page.locator('tr[data-model="acme-custom"] td').nth(2)).toHaveText('manual');
  await page.locator('#add-model').getByLabel('Model id').fill('acme-fast');
  await page.locator('#add-model').getByRole('button', { name: 'Add model' }).click();
  await expect(page.locator('.field-error[data-field="model_id"]')).toContainText('already has');

  await page.locator('tr[data-model="acme-large"]').getByRole('button', { name: 'Disable' }).click();
  await expect(page.locator('tr[data-model="acme-large"] .status')).toHaveText('disabled');

  // A user sees the enabled models only.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, USER);
  await page.getByRole('link', { name: 'Providers' }).click();
  const models = page.locator('tr[data-identifier="fake-upstream"] .models');
  await expect(models).toContainText('acme-fast');
  await expect(models).toContainText('acme-custom');
  await expect(models).not.toContainText('acme-large');
  // And the admin pages are refused.
  const response = await page.goto('/templates');
  expect(response?.status()).toBe(403);
});

test('an admin clones a template, describes an extra field and sees the credential form follow', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Templates' }).click();
  await expect(page.locator('tr[data-key="openai-compatible"]')).toContainText('built-in');
  await page.getByRole('link', { name: 'OpenAI-compatible' }).click();
  await hydrated(page);
  // The preview renders the template's field schema: the key is a password input.
  await expect(page.locator('#template-preview input[name="fields[api_key]"]')).toHaveAttribute('type', 'password');
  await expect(page.locator('#edit-template')).toHaveCount(0);

  const clone = page.locator('#clone-template');
  await clone.getByLabel('Name').fill('Acme gateway');
  await clone.getByLabel(/^Key/).fill('acme-gateway');
  await clone.getByRole('button', { name: 'Clone' }).click();
  await expect(page.getByRole('heading', { name: 'Acme gateway', level: 1 })).toBeVisible();
  await hydrated(page);

  // Add a non-secret `api_version` field: the preview follows the JSON as it is typed.
  const editor = page.locator('#edit-template');
  const textarea = editor.getByLabel('Definition (JSON)');
  const definition = JSON.parse(await textarea.inputValue());
  definition.auth = { type: 'header', name: 'x-acme-key' };
  definition.fields.push({ name: 'api_version', label: 'API version', required: true, placeholder: '2024-06-01', pattern: '(' });
  await textarea.fill(JSON.stringify(definition, null, 2));
  await expect(page.locator('#template-preview input[name="fields[api_version]"]')).toHaveAttribute('placeholder', '2024-06-01');

  // An invalid pattern is refused, and the error names the part of the definition.
  await editor.getByRole('button', { name: 'Save template' }).click();
  await expect(editor.locator('.field-error[data-field="fields[1].pattern"]')).toContainText('not a valid regular expression');
  // The refusal keeps what was typed: the page does not read the stored template again.
  await page.waitForLoadState('networkidle');
  await expect(textarea).toHaveValue(/x-acme-key/);

  definition.fields[1].pattern = '\\d{4}-\\d{2}-\\d{2}';
  await textarea.fill(JSON.stringify(definition, null, 2));
  await editor.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.reload();
  await expect(page.locator('.subtitle')).toContainText('auth: header');
  await expect(page.locator('#template-preview label[data-field="api_version"]')).toContainText('API version');
});

test('an admin imports keys from a CSV file: each is tested, the good one saved, the bad one reported', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Credentials' }).click();
  await hydrated(page);
  const form = page.locator('#import-keys');
  await form.getByLabel('Provider').selectOption({ label: 'Fake upstream' });
  const keys = form.getByLabel('Keys', { exact: true });
  // As a spreadsheet saves it: a byte-order mark (the browser's reading drops it; the
  // server drops one a pasted text carries), CRLF lines, the key column first.
  const csv = `\ufeffKey,Name\r\n${KEY},imported good\r\nsk-not-the-right-key-9999\r\n`;
  await form.getByLabel('Or read them from a CSV or text file').setInputFiles({
    name: 'keys.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8'),
  });
  await expect(keys).toHaveValue(/imported good/);
  await form.getByRole('button', { name: 'Test and import' }).click();

  const results = form.locator('#import-results');
  await expect(results.locator('tr[data-line="2"] .status-badge')).toHaveText('saved');
  await expect(results.locator('tr[data-line="3"] .status-badge')).toHaveText('not saved');
  await expect(results.locator('tr[data-line="3"]')).toContainText('not saved');
  await expect(results).not.toContainText('sk-not-the-right-key');
  await expect(form.locator('.toast')).toContainText('1 saved, 1 not saved');
  await expect(keys).toHaveValue('');
  // The list shows the saved key with the import's test.
  const row = page.locator('#credentials tr[data-name="imported good"]');
  await expect(row.locator('.last-test')).toContainText('ok');

  const listed = await (await page.request.get('/api/admin/credentials?provider=fake-upstream')).json();
  for (const credential of listed.data) {
    expect((await page.request.delete(`/api/admin/credentials/${credential.id}`)).ok()).toBeTruthy();
  }
});

test('a long import goes in batches, with progress, until every key has its result', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Credentials' }).click();
  await hydrated(page);
  const form = page.locator('#import-keys');
  await form.getByLabel('Provider').selectOption({ label: 'Fake upstream' });
  const keys = Array.from({ length: 20 }, (_, n) => `sk-wrong-batch-key-${String(n).padStart(4, '0')}`).join('\n');
  // Each batch waits a moment, so the progress between two can be seen.
  let batches = 0;
  await page.route('**/rpc/import_credentials*', async (route) => {
    batches += 1;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  await form.getByLabel('Keys', { exact: true }).fill(keys);
  await form.getByRole('button', { name: 'Test and import' }).click();
  await expect(form.locator('progress')).toBeVisible();
  await expect(form.locator('.import-progress')).toContainText(/\d+ of 20 keys tested/);
  await expect(form.locator('.toast')).toContainText('0 saved, 20 not saved');
  await expect(form.locator('#import-results tbody tr')).toHaveCount(20);
  await expect(form.locator('progress')).toHaveCount(0);
  expect(batches).toBeGreaterThan(1);

  // Stopped: the batch under way ends, and no other starts.
  await form.getByLabel('Keys', { exact: true }).fill(keys);
  await form.getByRole('button', { name: 'Test and import' }).click();
  await form.getByRole('button', { name: 'Stop' }).click();
  await expect(form.locator('.toast')).toContainText(/^Stopped: 0 saved, \d+ not saved, \d+ not tried\.$/);
  expect(await form.locator('#import-results tbody tr').count()).toBeLessThan(20);
});
