import { test, expect } from '@playwright/test';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ADMIN, USER, hydrated, signIn, signOut } from './session';

// Runs after testing.spec.ts (name order): its tests left request logs to chart.

type Received = { headers: http.IncomingHttpHeaders; body: unknown };
let receiver: http.Server;
let receiverUrl = '';
const received: Received[] = [];
test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
test.afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

test('the overview charts each provider\'s last 24 hours and lists the numbers', async ({ page }) => {
  await signIn(page, ADMIN);
  const health = page.locator('#health');
  await expect(health.getByRole('heading', { name: 'Health, last 24 hours' })).toBeVisible();
  for (const chart of ['Errors per hour', 'Latency', 'Success rate']) {
    const figure = health.locator(`figure[data-chart="${chart}"]`);
    await expect(figure.locator('svg[role="img"]')).toBeVisible();
    await expect(figure.locator('svg[role="img"]')).toContainText('probe-upstream');
  }
  await expect(health.locator('figure[data-chart="Errors per hour"] .legend')).toContainText('probe-upstream');
  await expect(health.locator('figure[data-chart="Latency"] .legend')).toHaveText('averagep95');
  await expect(health.locator('figure[data-chart="Errors per hour"] svg[role="img"]')).toContainText('errors / hour');
  await expect(health.locator('figure[data-chart="Errors per hour"] svg[role="img"]')).toContainText('hour (UTC)');
  await expect(health.locator('figure[data-chart="Latency"] svg[role="img"]')).toContainText('ms');
  // testing.spec.ts sent probes that passed and one that the provider refused.
  const row = health.locator('tr[data-provider="probe-upstream"]');
  await expect(row.locator('[data-col="errors"]')).not.toHaveText('0');
  await expect(row.locator('[data-col="success"]')).toHaveText(/^\d+\.\d %$/);
  await expect(row.locator('[data-col="p95"]')).toHaveText(/^\d+ ms$/);
  await page.screenshot({ path: 'test-results/overview.png', fullPage: true });

  // Pointing at an hour names every provider's value there.
  const column = health.locator('figure[data-chart="Errors per hour"] rect.hover-column').last();
  await expect(column.locator('title')).toContainText(/probe-upstream: \d+/);

  // Seven days, in 6-hour buckets; the choice is in the address.
  await health.getByRole('link', { name: '7 days' }).click();
  await expect(page).toHaveURL(/\?window=7d$/);
  await expect(health.getByRole('heading', { name: 'Health, last 7 days' })).toBeVisible();
  await expect(health.getByRole('link', { name: '7 days' })).toHaveAttribute('aria-current', 'page');
  const week = health.locator('figure[data-chart="Errors per 6 hours"]');
  await expect(week.locator('rect.hover-column')).toHaveCount(28);
  await expect(row.locator('[data-col="errors"]')).not.toHaveText('0');
  await page.reload();
  await expect(health.getByRole('heading', { name: 'Health, last 7 days' })).toBeVisible();
  await hydrated(page);
  // Each provider keeps its colour from chart to chart.
  const lineColour = await week.locator('polyline[data-series="probe-upstream"]').getAttribute('stroke');
  const bar = health.locator('figure[data-chart="Latency"] svg[role="img"] rect', { has: page.locator('title', { hasText: 'probe-upstream' }) });
  const barColour = await bar.first().getAttribute('fill');
  expect(barColour).toBe(lineColour);

  // Users see their own requests and connections, not the health of every key.
  await signOut(page);
  await signIn(page, USER);
  await expect(page.locator('.figures').first()).toBeVisible();
  await expect(page.locator('#health')).toHaveCount(0);
  await expect(page.locator('[data-figure="users"]')).toHaveCount(0);
  // Nor does their page ask for the admins' figures (which would be refused).
  const asked: string[] = [];
  page.on('request', (request) => {
    if (/\/rpc\/(get_figures|get_overview)/.test(request.url())) asked.push(request.url());
  });
  await hydrated(page);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.locator('#my-usage')).toBeVisible();
  expect(asked).toEqual([]);
  await expect(page.locator('#my-usage [data-figure="today"] .figure-value')).toHaveText(/^\d+$/);
  await expect(page.locator('#my-connections').getByRole('link', { name: /Manage your connections|Add your first key/ })).toBeVisible();
});

test('an admin adds a webhook, sends a test event and reads the delivery log', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Webhooks' })).toBeVisible();

  const form = page.locator('#create-webhook');
  await form.getByLabel('URL').fill('ftp://hooks.example.com/x');
  await form.getByRole('button', { name: 'Add webhook' }).click();
  await expect(form.locator('.field-error')).toContainText('must start with http:// or https://');
  await expect(page.locator('section.webhook')).toHaveCount(0);

  await form.getByLabel('URL').fill(receiverUrl);
  await form.getByLabel('Format').selectOption('slack');
  await form.getByLabel(/^auto-disabled/).check();
  await form.getByLabel(/Signing secret/).fill('e2e-signing-secret-0001');
  await form.getByRole('button', { name: 'Add webhook' }).click();
  const card = page.locator(`section.webhook[data-url="${receiverUrl}"]`);
  await expect(card).toBeVisible();
  await expect(card).toContainText('signed');
  await expect(card).toContainText('Events: auto disabled');
  await expect(page.locator('body')).not.toContainText('e2e-signing-secret-0001');

  await card.getByRole('button', { name: 'Send test event' }).click();
  const delivery = card.locator('tr[data-event="webhook.test"]');
  await expect(delivery.locator('.status')).toHaveText('delivered', { timeout: 10_000 });
  await expect(delivery).toContainText('200');
  expect(received).toHaveLength(1);
  expect((received[0].body as { text: string }).text).toMatch(/^Switchyard: /);
  expect(received[0].headers['x-switchyard-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);

  await card.getByRole('button', { name: 'Disable' }).click();
  await expect(card.locator('.status').first()).toHaveText('disabled');
  await expect(page.locator(`section.webhook[data-url="${receiverUrl}"][data-enabled="false"]`)).toBeVisible();

  // Editing opens in the card with the focus on the URL; a refused change keeps the form
  // open; a saved one keeps the secret it was not given again.
  await card.getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = card.locator('form.edit-webhook');
  await expect(edit.getByLabel('URL')).toBeFocused();
  await expect(edit.getByLabel('URL')).toHaveValue(receiverUrl);
  await expect(edit.getByLabel('Format')).toHaveValue('slack');
  await expect(edit.getByLabel(/^auto-disabled/)).toBeChecked();
  await edit.getByLabel('URL').fill('ftp://nope.example.com/');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.locator('.field-error')).toContainText('must start with http:// or https://');
  const editedUrl = `${receiverUrl}?edited=1`;
  await edit.getByLabel('URL').fill(editedUrl);
  await edit.getByLabel(/^recovered/).check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  const edited = page.locator(`section.webhook[data-url="${editedUrl}"]`);
  await expect(edited).toContainText('recovered');
  await expect(edited).toContainText('auto disabled');
  await expect(edited).toContainText('signed');
  await expect(edited.locator('form.edit-webhook')).toHaveCount(0);

  // Deleting asks once more.
  await edited.getByRole('button', { name: 'Delete', exact: true }).click();
  await edited.getByRole('button', { name: 'Delete it and its delivery log' }).click();
  await expect(edited).toHaveCount(0);
  await expect(page.getByText('No webhooks yet.')).toBeVisible();
});
