import { test, expect } from '@playwright/test';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ADMIN, hydrated, signIn, openRowMenu } from './session';

// Runs after secrets.spec.ts (name order), whose credential lists it would otherwise fill.
const KEY = 'sk-probe-upstream-0000007788';
const WRONG = 'sk-probe-wrong-key-00001234';

// An OpenAI-like provider: three models for the right key, a 401 quoting the key otherwise.
let upstream: http.Server;
let upstreamUrl = '';
test.beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const sent = (req.headers.authorization ?? '').replace('Bearer ', '');
    const ok = req.url === '/v1/models' && sent === KEY;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok
      ? { data: [{ id: 'probe-a' }, { id: 'probe-b' }, { id: 'probe-c' }] }
      : { error: { message: `Incorrect API key provided: ${sent}` } }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});
test.afterAll(() => new Promise<void>((resolve) => {
  upstream.closeAllConnections();
  upstream.close(() => resolve());
}));

test('Test shows latency and model count; a failed test on the edit form keeps the saved key', async ({ page }) => {
  await signIn(page, ADMIN);
  const provider = await page.request.post('/api/admin/providers', {
    data: { identifier: 'probe-upstream', name: 'Probe upstream', templateId: 'openai-compatible', baseUrl: upstreamUrl },
  });
  expect(provider.status()).toBe(201);
  await page.getByRole('link', { name: 'Credentials' }).click();
  await hydrated(page);

  // Before saving: the create form's values are tested as typed.
  const form = page.locator('#create-credential');
  await form.locator('select[name="provider"]').selectOption({ label: 'Probe upstream' });
  await form.getByLabel('Name').fill('Probe main');
  await form.locator('input[name="fields[api_key]"]').fill(KEY);
  await form.getByRole('button', { name: 'Test' }).click();
  await expect(form.locator('.probe')).toContainText('Test passed');
  await expect(form.locator('.probe')).toContainText('3 models');
  await expect(form.locator('.probe .figures')).toContainText(/\d+ ms/);
  await expect(page.locator('tr[data-name="Probe main"]')).toHaveCount(0);
  await form.getByRole('button', { name: 'Save' }).click();
  const row = page.locator('tr[data-name="Probe main"]');
  await expect(row.locator('.hint')).toHaveText('••••7788');
  await expect(row.locator('.last-test')).toHaveText('never');

  // A saved credential: the result shows under its row and is kept as its last test.
  await row.getByRole('button', { name: 'Test' }).click();
  await expect(page.locator('.probe-row .probe')).toContainText('Test passed');
  await expect(page.locator('.probe-row .probe')).toContainText('3 models');
  await expect(row.locator('.last-test')).toContainText(/^ok · \d+ ms/);
  // When, relative; the exact time on hover.
  const when = row.locator('.last-test time');
  await expect(when).toHaveText('just now');
  await expect(when).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);

  // The edit form tests a new key without saving it: the failure is explained, the key
  // the provider quoted is not shown, and the saved key still works.
  await openRowMenu(row);
  await row.getByRole('button', { name: 'Edit / replace key' }).click();
  const edit = page.locator('#edit-credential');
  await edit.locator('input[name="fields[api_key]"]').fill(WRONG);
  await edit.getByRole('button', { name: 'Test' }).click();
  await expect(edit.locator('.probe')).toContainText('Test failed');
  await expect(edit.locator('.probe')).toContainText('the provider rejected the key (401)');
  await expect(edit.locator('.probe')).not.toContainText(WRONG);
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await page.reload();
  await hydrated(page);
  await expect(row.locator('.hint')).toHaveText('••••7788');
  await row.getByRole('button', { name: 'Test' }).click();
  await expect(page.locator('.probe-row .probe')).toContainText('Test passed');
  expect(await page.content()).not.toContain(KEY);
});

test('Test all fills a progress bar and ends with a summary and every result', async ({ page }) => {
  await signIn(page, ADMIN);
  const fresh = await page.request.post('/api/admin/credentials', {
    data: { provider: 'probe-upstream', name: 'Never tested', fields: { api_key: KEY } },
  });
  expect(fresh.status()).toBe(201);
  await page.getByRole('link', { name: 'Credentials' }).click();
  await hydrated(page);
  const untested = page.locator('#credentials tr[data-name="Never tested"] .last-test');
  await expect(untested).toHaveText('never');
  const panel = page.locator('#test-all');
  await panel.getByRole('button', { name: 'Test all' }).click();
  await expect(panel.locator('progress')).toBeVisible();
  // Other specs' credentials point at real providers this machine cannot reach: their
  // probes fail (or time out), which the summary counts.
  await expect(panel.locator('.summary')).toHaveText(/^Done: \d+ ok, \d+ failed, \d+ rate limited$/, { timeout: 30_000 });
  const total = await panel.locator('progress').getAttribute('max');
  await expect(panel.locator('progress')).toHaveAttribute('value', total!);
  const mine = panel.locator('tr[data-name="Probe main"]');
  await expect(mine.locator('.outcome')).toHaveText('ok');
  await expect(mine).toContainText('3');
  await expect(panel.locator('.results tbody tr')).toHaveCount(Number(total));
  // The list below shows the run's results without a reload.
  await expect(untested).toContainText(/^ok · \d+ ms/);
  expect((await page.request.delete(`/api/admin/credentials/${(await fresh.json()).id}`)).ok()).toBeTruthy();

  // Every probe is in the request logs, filterable by outcome.
  await page.getByRole('link', { name: 'Request logs' }).click();
  await hydrated(page);
  await expect(page.locator('#request-logs tbody tr').first()).toBeVisible();
  await page.getByLabel('Outcome').selectOption('auth_rejected');
  await expect(page.locator('#request-logs tbody tr td.outcome').first()).toHaveText('auth rejected');
  await expect(page.locator('#request-logs td.outcome').filter({ hasNotText: 'auth rejected' })).toHaveCount(0);
  await page.getByLabel('Outcome').selectOption('ok');
  await expect(page.locator('#request-logs tr[data-status="ok"] td.credential', { hasText: 'Probe main' }).first()).toBeVisible();
  // The rows name their kind with the filter's word.
  await expect(page.getByLabel('Kind').locator('option[value="probe"]')).toHaveText('test');
  await expect(page.locator('#request-logs tr[data-kind="probe"] td.kind').first()).toHaveText('test');
  await page.getByLabel('Kind').selectOption('probe');
  await expect(page.locator('#request-logs td.kind').filter({ hasNotText: /^test$/ })).toHaveCount(0);
});
