import { test, expect, Page } from '@playwright/test';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ADMIN, USER, hydrated, signIn, signOut } from './session';

const KEY = 'sk-gw-upstream-000000004242';
const STALE = 'sk-gw-stale-key-00000000001';
const MODEL = 'gw-echo-1';
const ANSWER = 'Relay check: the tide clock on platform nine reads half past seven.';

// An OpenAI-compatible provider: a chat completion for the right key, 401 otherwise.
type Seen = { authorization?: string; body: { model: string; messages: { role: string; content: string }[] } };
const seen: Seen[] = [];
let upstream: http.Server;
let upstreamUrl = '';
test.beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const keyOk = req.headers.authorization === `Bearer ${KEY}`;
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        seen.push({ authorization: req.headers.authorization, body: JSON.parse(raw) });
      }
      const broken = raw.includes('please break');
      const ok = keyOk && !broken && req.method === 'POST' && req.url === '/v1/chat/completions';
      res.writeHead(ok ? 200 : broken ? 500 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok
        ? {
          id: 'chatcmpl-gw-1', object: 'chat.completion', created: 1767225600, model: MODEL,
          choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
        }
        : { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error' } }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});
// Later specs count the providers and credentials there are: leave none of ours behind.
test.afterAll(async ({ browser }) => {
  const page = await browser.newPage({ baseURL: process.env.BASE_URL });
  await signIn(page, ADMIN);
  const credentials = await (await page.request.get('/api/admin/credentials?provider=gw-upstream')).json();
  for (const { id } of credentials.data) {
    expect((await page.request.delete(`/api/admin/credentials/${id}`)).ok()).toBeTruthy();
  }
  const providers = await (await page.request.get('/api/admin/providers')).json();
  const ours = providers.data.find((p: { identifier: string }) => p.identifier === 'gw-upstream');
  if (ours) expect((await page.request.delete(`/api/admin/providers/${ours.id}`)).ok()).toBeTruthy();
  await page.close();
  // Switchyard keeps its connections to the upstream open for reuse; close() alone would
  // wait for them.
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

async function addCredential(page: Page, name: string, key: string, priority: number) {
  const form = page.locator('#create-credential');
  await form.locator('select[name="provider"]').selectOption({ label: 'Gateway upstream' });
  await form.getByLabel('Name').fill(name);
  await form.locator('input[name="fields[api_key]"]').fill(key);
  await form.getByLabel('Priority (lower first)').fill(String(priority));
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator(`tr[data-name="${name}"] .priority`)).toHaveText(String(priority));
}

/** Reloads until `check` passes: the gateway writes its logs off the request path. */
async function eventually(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 15_000 });
}

test('an admin connects an upstream, sees it on "Use the gateway", sends a test prompt that fails over, and reads its attempts', async ({ page }) => {
  await signIn(page, ADMIN);
  // A provider from the OpenAI-compatible template, a model added by hand, and two keys:
  // the first (a stale one) is tried first and refused.
  await page.getByRole('link', { name: 'Providers' }).click();
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Gateway upstream');
  await page.getByLabel(/^Identifier/).fill('gw-upstream');
  await page.locator('select[name="template_id"]').selectOption({ label: 'OpenAI-compatible' });
  await page.getByLabel(/^Base URL/).fill(upstreamUrl);
  await page.getByRole('button', { name: 'Add provider' }).click();
  await page.locator('tr[data-identifier="gw-upstream"]').getByRole('link', { name: 'Gateway upstream' }).click();
  await expect(page.getByRole('heading', { name: 'Gateway upstream', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.locator('#add-model').getByLabel('Model id').fill(MODEL);
  await page.locator('#add-model').getByRole('button', { name: 'Add model' }).click();
  await expect(page.locator(`tr[data-model="${MODEL}"] .status`)).toHaveText('enabled');

  await page.getByRole('link', { name: 'Credentials' }).click();
  await hydrated(page);
  await addCredential(page, 'GW stale key', STALE, 1);
  await addCredential(page, 'GW relay key', KEY, 2);

  // The page: the base URL is this site's, the model is listed with its provider.
  await page.getByRole('link', { name: 'Use the gateway' }).click();
  await expect(page.getByRole('heading', { name: 'Use the gateway', level: 1 })).toBeVisible();
  await hydrated(page);
  const base = `${new URL(page.url()).origin}/v1`;
  await expect(page.locator('#base-url')).toHaveText(base);
  const row = page.locator(`#gateway-models tr[data-model="${MODEL}"]`);
  await expect(row.locator('td.providers')).toHaveText('gw-upstream');
  await expect(page.locator('#make-token')).toHaveAttribute('href', '/tokens');

  // "Use" puts the model into the examples and the test prompt; the tabs switch language.
  await row.getByRole('button', { name: 'Use' }).click();
  await expect(row).toHaveAttribute('data-chosen', 'true');
  const snippet = page.locator('#snippet');
  await expect(snippet).toContainText(`curl ${base}/chat/completions`);
  await expect(snippet).toContainText(`"model": "${MODEL}"`);
  await page.getByRole('tab', { name: 'Python' }).click();
  await expect(snippet).toContainText(`OpenAI(base_url="${base}", api_key="sy_...")`);
  await expect(snippet).toContainText(`model="${MODEL}"`);
  await page.getByRole('tab', { name: 'JavaScript' }).click();
  await expect(snippet).toContainText(`new OpenAI({ baseURL: "${base}", apiKey: "sy_..." })`);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator('#gateway-snippets').getByRole('button', { name: 'Copy' }).click();
  await expect(page.locator('#gateway-snippets button.copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`baseURL: "${base}"`);

  // A test prompt: the stale key is refused, the next one answers.
  const box = page.locator('#test-prompt');
  await expect(box.locator('select[name="model"]')).toHaveValue(MODEL);
  await box.getByLabel('Prompt').fill('What does the tide clock say?');
  await box.getByRole('button', { name: 'Send' }).click();
  const result = page.locator('#prompt-result');
  await expect(result.locator('.answer')).toHaveText(ANSWER);
  await expect(result.locator('.credential')).toHaveText('GW relay key');
  await expect(result.locator('[data-figure="attempts"]')).toHaveText('2 attempts');
  await expect(result.locator('[data-figure="latency"]')).toHaveText(/^\d+ ms$/);
  await expect(result.locator('[data-figure="tokens"]')).toHaveText('11 + 7 tokens');
  expect(seen.map((s) => s.authorization)).toEqual([`Bearer ${STALE}`, `Bearer ${KEY}`]);
  expect(seen[1].body).toEqual({ model: MODEL, messages: [{ role: 'user', content: 'What does the tide clock say?' }] });
  expect(await page.content()).not.toContain(KEY);
  await page.screenshot({ path: 'test-results/gateway.png', fullPage: true });

  // The request id lists the request's two attempts together, first attempt first.
  await result.getByRole('link').click();
  await expect(page).toHaveURL(/\/logs\?request=/);
  await expect(page.locator('#request-filter')).toBeVisible();
  const attempts = page.locator('#request-logs tbody[data-attempts="2"] tr');
  await eventually(page, async () => {
    await expect(attempts).toHaveCount(2, { timeout: 1_000 });
  });
  await expect(page.locator('#request-logs tbody tr')).toHaveCount(2);
  await expect(attempts.locator('td.credential')).toHaveText(['GW stale key', 'GW relay key']);
  await expect(attempts.locator('td.outcome')).toHaveText(['auth rejected', 'ok']);
  await expect(attempts.locator('td.kind')).toHaveText(['gateway · chat', 'gateway · chat']);
  await expect(attempts.locator('.attempt')).toHaveText(['attempt 1 of 2', 'attempt 2 of 2']);
  await expect(attempts.nth(1).locator('td.tokens')).toHaveText('11 + 7');
  await expect(attempts.nth(1).locator('.ttfb')).toHaveText(/^first byte \d+ ms$/);
  await page.screenshot({ path: 'test-results/request-logs.png', fullPage: true });
  // Every request again.
  await page.locator('#request-filter').getByRole('link', { name: 'every request' }).click();
  await expect(page.locator('#request-filter')).toHaveCount(0);

  // The overview counts the answer's tokens for the provider.
  await page.goto('/');
  await expect(page.locator('#health tr[data-provider="gw-upstream"] [data-col="tokens"]')).toHaveText('18');
  await expect(page.locator('#health figure[data-chart="Tokens per hour"]')).toContainText('gw-upstream');
  await page.screenshot({ path: 'test-results/overview-tokens.png', fullPage: true });
});

test('a token made with limits shows them, and works at the base URL the page gives; a user sees the model too', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await hydrated(page);
  const form = page.locator('#create-token');
  await form.getByLabel('Name').fill('gw-limited');
  await form.locator('details.limits summary').click();
  await form.getByLabel(/^Models it may use/).fill(MODEL);
  await form.getByLabel(/^Requests per minute/).fill('600');
  await form.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.locator('#new-token code.token').textContent())!.trim();
  expect(token).toMatch(/^sy_/);
  const limits = page.locator('tr[data-name="gw-limited"] td.limits');
  await expect(limits.locator('[data-limit="models"]')).toHaveText(`models: ${MODEL}`);
  await expect(limits.locator('[data-limit="rate"]')).toHaveText('600 requests / minute');
  await expect(limits.locator('[data-limit="providers"]')).toHaveCount(0);

  await page.getByRole('link', { name: 'Use the gateway' }).click();
  await hydrated(page);
  const base = (await page.locator('#base-url').textContent())!;
  const answer = await page.request.post(`${base}/chat/completions`, {
    headers: { authorization: `Bearer ${token}` },
    data: { model: MODEL, messages: [{ role: 'user', content: 'ping' }] },
  });
  expect(answer.status()).toBe(200);
  expect((await answer.json()).choices[0].message.content).toBe(ANSWER);
  const refused = await page.request.post(`${base}/chat/completions`, {
    headers: { authorization: `Bearer ${token}` },
    data: { model: 'gw-upstream/other-model', messages: [{ role: 'user', content: 'ping' }] },
  });
  expect(refused.status()).toBe(403);

  // A user reaches the global credentials too; the request id is not a link for them.
  await signOut(page);
  await signIn(page, USER);
  await page.getByRole('link', { name: 'Use the gateway' }).click();
  await hydrated(page);
  await expect(page.locator(`#gateway-models tr[data-model="${MODEL}"] td.providers`)).toHaveText('gw-upstream');
  const box = page.locator('#test-prompt');
  await box.locator('select[name="model"]').selectOption(MODEL);
  await box.getByLabel('Prompt').fill('Hello from a user');
  await box.getByRole('button', { name: 'Send' }).click();
  await expect(page.locator('#prompt-result .answer')).toHaveText(ANSWER);
  await expect(page.locator('#prompt-result a')).toHaveCount(0);

  // Nothing serves: the result says why, with the attempts it made.
  await box.getByLabel('Prompt').fill('please break');
  await box.getByRole('button', { name: 'Send' }).click();
  await expect(page.locator('#prompt-result')).toHaveAttribute('data-ok', 'false');
  await expect(page.locator('#prompt-result .error')).toContainText('every credential failed');
  await expect(page.locator('#prompt-result .error')).toContainText('GW relay key');
  await expect(page.locator('#prompt-result [data-figure="attempts"]')).toHaveText(/^\d attempts?$/);
  await expect(page.locator('#prompt-result .answer')).toHaveCount(0);
});
