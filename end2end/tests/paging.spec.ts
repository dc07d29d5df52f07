import { test, expect, Page } from '@playwright/test';
import { ADMIN, hydrated, signIn } from './session';

// 120 credentials (and so over 120 audit events, and a test of each over 120 log rows) on a
// provider of its own, deleted at the end so later specs see the lists they expect.
const COUNT = 120;
const PROVIDER = 'paging-upstream';

async function pager(page: Page) {
  return page.locator('p.pager');
}

/** Opens a newest-first list from the navigation and steps through every page with
 * "Older", one back with "Newer" and to the last again; returns how many rows it counts. */
async function olderToTheEnd(page: Page, link: string, noun: string) {
  await page.getByRole('link', { name: link }).click();
  await hydrated(page);
  const bar = await pager(page);
  const total = Number((await bar.textContent())?.match(new RegExp(`· (\\d+) ${noun}`))?.[1]);
  const pages = Math.ceil(total / 50);
  const older = bar.getByRole('button', { name: 'Older', exact: true });
  const newer = bar.getByRole('button', { name: 'Newer', exact: true });
  await expect(newer).toBeDisabled();
  for (let at = 1; at < pages; at++) {
    await older.click();
    await expect(bar).toContainText(`Page ${at + 1} of ${pages}`);
  }
  await expect(older).toBeDisabled();
  await newer.click();
  await expect(bar).toContainText(`Page ${pages - 1} of ${pages}`);
  // The address keeps the page: a reload (or a shared link) shows the same one.
  await expect(page).toHaveURL(new RegExp(`[?&]page=${pages - 1}\\b`));
  // Compared without white space: rows drawn in the browser and on the server space
  // their inline parts differently.
  const rowTexts = async () => (await page.locator('main tbody tr').allTextContents()).map((t) => t.replace(/\s+/g, ''));
  const rows = await rowTexts();
  await page.reload();
  await hydrated(page);
  await expect(bar).toContainText(`Page ${pages - 1} of ${pages}`);
  expect(await rowTexts()).toEqual(rows);
  await older.click();
  return total;
}

test('the pager reaches every page of credentials, the audit log and the request logs', async ({ page }) => {
  await signIn(page, ADMIN);
  const provider = await page.request.post('/api/admin/providers', {
    data: { identifier: PROVIDER, name: 'Paging upstream', templateId: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' },
  });
  expect(provider.status()).toBe(201);
  const ids: string[] = [];
  for (let n = 0; n < COUNT; n++) {
    const name = `Paged ${String(n).padStart(3, '0')}`;
    const created = await page.request.post('/api/admin/credentials', {
      data: { provider: PROVIDER, name, fields: { api_key: `sk-paging-${n}-0000000000` } },
    });
    expect(created.status(), await created.text()).toBe(201);
    ids.push((await created.json()).id);
  }

  try {
    // Each page of rows takes a moment to arrive, as on a slow link: the pager must not
    // say "Page 2" while page 1's rows are still shown.
    await page.route('**/rpc/list_credentials*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await page.goto(`/credentials`);
    await hydrated(page);
    await page.locator('.filters').getByLabel('Provider').selectOption({ label: 'Paging upstream' });
    const bar = await pager(page);
    const next = bar.getByRole('button', { name: 'Next', exact: true });
    const previous = bar.getByRole('button', { name: 'Previous', exact: true });
    await expect(bar).toContainText(`Page 1 of 3 · ${COUNT} in all`);
    await expect(previous).toBeDisabled();
    await expect(page.locator('tr[data-name]')).toHaveCount(50);
    const seen = new Set<string>();
    for (const [at, rows] of [[1, 50], [2, 50], [3, 20]] as const) {
      await expect(bar).toContainText(`Page ${at} of 3`);
      await expect(page.locator('tr[data-name]')).toHaveCount(rows);
      for (const name of await page.locator('tr[data-name]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name')))) {
        seen.add(name ?? '');
      }
      if (at < 3) await next.click();
    }
    expect(seen.size, 'every credential is on exactly one page').toBe(COUNT);
    await expect(next).toBeDisabled();
    await previous.click();
    await expect(bar).toContainText('Page 2 of 3');
    await expect(next).toBeEnabled();
    // Back and Forward move between the pages seen.
    await page.goBack();
    await expect(bar).toContainText('Page 3 of 3');
    await page.goForward();
    await expect(bar).toContainText('Page 2 of 3');
    // The address keeps the filter and the page; opened afresh, it shows the same rows.
    await expect(page).toHaveURL(/[?&]page=2\b/);
    await expect(page).toHaveURL(/[?&]provider=paging-upstream\b/);
    const names = await page.locator('tr[data-name]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name')));
    const link = page.url();
    await page.goto('/');
    await page.goto(link);
    await hydrated(page);
    await expect(bar).toContainText('Page 2 of 3 · 120 in all');
    await expect(page.locator('.filters').getByLabel('Provider')).toHaveValue(PROVIDER);
    expect(await page.locator('tr[data-name]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name')))).toEqual(names);

    // A smaller page size, a search and an order: each in the address, the view follows.
    const rowNames = () => page.locator('tr[data-name]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name')));
    await page.locator('.filters').getByLabel('Per page').selectOption('25');
    await expect(bar).toContainText(`Page 1 of 5 · ${COUNT} in all`);
    await expect(page).toHaveURL(/[?&]per=25\b/);
    await page.locator('.filters').getByLabel('Search names').fill('Paged 11');
    await page.locator('.filters').getByLabel('Search names').press('Enter');
    await expect(page).toHaveURL(/[?&]q=Paged(\+|%20)11\b/);
    await expect(page.locator('tr[data-name]')).toHaveCount(10);
    await expect(bar).toContainText('10 in all');
    const byName = page.locator('#credentials th', { has: page.locator('button[data-order="name"]') });
    await expect(byName).toHaveAttribute('aria-sort', 'none');
    await byName.getByRole('button').click();
    await expect(byName).toHaveAttribute('aria-sort', 'ascending');
    await expect(page).toHaveURL(/[?&]order=name\b/);
    expect(await rowNames()).toEqual([...Array(10).keys()].map((n) => `Paged 11${n}`));
    await page.locator('.filters').getByLabel('Search names').fill('nothing like this');
    await page.locator('.filters').getByLabel('Search names').press('Enter');
    await expect(page.getByText('Nothing matches this filter.')).toBeVisible();

    expect(await olderToTheEnd(page, 'Audit log', 'event')).toBeGreaterThan(COUNT);
    // The last page ends with the first event.
    await expect(page.locator('#audit tbody tr').last().locator('td').first()).toHaveText('1');
    // Searched (who or what: a name in the details), then read oldest first; both in the address.
    const search = page.locator('.filters').getByLabel('Search events');
    await search.fill('Paged 007');
    await search.press('Enter');
    await expect(page).toHaveURL(/[?&]q=Paged(\+|%20)007\b/);
    await expect(page.locator('#audit tbody tr')).toHaveCount(1);
    await expect(page.locator('#audit tbody tr')).toHaveAttribute('data-action', 'credential.create');
    await search.fill('');
    await search.press('Enter');
    const time = page.locator('#audit th', { has: page.locator('button[data-order="newest"]') });
    await expect(time).toHaveAttribute('aria-sort', 'descending');
    await time.getByRole('button').click();
    await expect(time).toHaveAttribute('aria-sort', 'ascending');
    await expect(page).toHaveURL(/[?&]order=oldest\b/);
    await expect(page.locator('#audit tbody tr').first().locator('td').first()).toHaveText('1');
    // Events take no time: an address asking for the slowest first reads newest first.
    await page.goto('/audit?order=slowest');
    await expect(time).toHaveAttribute('aria-sort', 'descending');
    await expect(page.locator('#audit tbody tr')).toHaveCount(50);
    await expect(page.locator('#audit tbody tr').first().locator('td').first()).not.toHaveText('1');

    // A test of every credential writes one log row each (the address refuses at once).
    const started = await page.request.post('/api/admin/credentials/test-all');
    expect(started.status()).toBe(202);
    const job = (await started.json()).jobId;
    await expect.poll(async () => (await (await page.request.get(`/api/admin/credentials/test-all/${job}`)).json()).finished,
      { timeout: 60_000 }).toBe(true);
    expect(await olderToTheEnd(page, 'Request logs', 'request')).toBeGreaterThanOrEqual(COUNT);
    // The provider filter lists providers by name and keeps its choice in the address.
    await page.getByLabel('Provider').selectOption({ label: 'Paging upstream' });
    await expect(page).toHaveURL(/[?&]provider=paging-upstream\b/);
    await expect(page).not.toHaveURL(/[?&]page=/);
    await expect(page.locator('p.pager')).toContainText(`Page 1 of 3 · ${COUNT} request(s)`);
    // Slowest first, from the latency header.
    const latency = page.locator('#request-logs th', { has: page.locator('button[data-order="slowest"]') });
    await latency.getByRole('button').click();
    await expect(latency).toHaveAttribute('aria-sort', 'descending');
    await expect(page).toHaveURL(/[?&]order=slowest\b/);
    // The rows arrive a moment after the header turns: polled until they are in order.
    const took = () => page.locator('#request-logs td.latency').evaluateAll((tds) => tds.map((td) => parseInt(td.textContent ?? '', 10)));
    await expect.poll(async () => {
      const ms = await took();
      return ms.length === 50 && ms.every((m, i) => i === 0 || ms[i - 1] >= m);
    }).toBe(true);
  } finally {
    for (const id of ids) {
      expect((await page.request.delete(`/api/admin/credentials/${id}`)).ok()).toBeTruthy();
    }
    const providers = await (await page.request.get('/api/admin/providers')).json();
    const ours = (providers.data ?? providers).find((p: { identifier: string }) => p.identifier === PROVIDER);
    if (ours) expect((await page.request.delete(`/api/admin/providers/${ours.id}`)).ok()).toBeTruthy();
  }
});
