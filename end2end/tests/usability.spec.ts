import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ADMIN, USER, hydrated, signIn, signOut, openRowMenu } from './session';

// Runs after the specs that count providers and credentials (name order); removes its own.
test('create forms empty themselves after saving and their notice goes away; an empty filter says nothing matches', async ({ page }) => {
  await signIn(page, ADMIN);

  await page.getByRole('link', { name: 'Users' }).click();
  await hydrated(page);
  const user = page.locator('#create-user');
  await user.getByLabel('Email').fill('form-user@example.com');
  await user.getByLabel('Name').fill('Form User');
  await user.getByLabel(/^Initial password/).fill('form user password 1');
  await user.getByRole('button', { name: 'Add user' }).click();
  const userNotice = page.getByRole('status').filter({ hasText: 'Created form-user@example.com' });
  await expect(userNotice).toBeVisible();
  // A toast in the page's corner, over the page, that clicks pass through.
  const placed = await userNotice.evaluate((el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return { position: style.position, pointer: style.pointerEvents, right: innerWidth - box.right, bottom: innerHeight - box.bottom };
  });
  expect(placed.position).toBe('fixed');
  expect(placed.pointer).toBe('none');
  expect(placed.right).toBeLessThan(40);
  expect(placed.bottom).toBeLessThan(40);
  await expect(user.getByLabel('Email')).toHaveValue('');
  await expect(user.getByLabel(/^Initial password/)).toHaveValue('');
  await expect(userNotice).toBeHidden({ timeout: 10_000 });

  await page.getByRole('link', { name: 'Providers' }).click();
  await hydrated(page);
  const provider = page.locator('#create-provider');
  await provider.getByLabel('Name').fill('Form check');
  await provider.getByLabel(/^Identifier/).fill('form-check');
  await provider.getByLabel(/^Base URL/).fill('http://127.0.0.1:9/v1');
  await provider.getByRole('button', { name: 'Add provider' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added Form check' })).toBeVisible();
  await expect(provider.getByLabel('Name')).toHaveValue('');
  await expect(provider.getByLabel(/^Identifier/)).toHaveValue('');

  await page.getByRole('link', { name: 'Credentials' }).click();
  await hydrated(page);
  // A filter that matches nothing says so, not "no credentials yet".
  await page.locator('.filters').getByLabel('Provider').selectOption({ label: 'Form check' });
  await expect(page.getByText('Nothing matches this filter.')).toBeVisible();
  const credential = page.locator('#create-credential');
  await credential.locator('select[name="provider"]').selectOption({ label: 'Form check' });
  await credential.getByLabel('Name').fill('Form key');
  await credential.locator('input[name="fields[api_key]"]').fill('sk-form-check-0000000001');
  await credential.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved Form key' })).toBeVisible();
  await expect(credential.getByLabel('Name')).toHaveValue('');
  await expect(credential.locator('input[name="fields[api_key]"]')).toHaveValue('');
  // A second click saves nothing: the emptied form asks for its required fields.
  await credential.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('tr[data-name="Form key"]')).toHaveCount(1);

  const credentials = await (await page.request.get('/api/admin/credentials?provider=form-check')).json();
  for (const { id } of credentials.data) {
    expect((await page.request.delete(`/api/admin/credentials/${id}`)).ok()).toBeTruthy();
  }
  const providers = await (await page.request.get('/api/admin/providers')).json();
  const ours = providers.data.find((p: { identifier: string }) => p.identifier === 'form-check');
  expect((await page.request.delete(`/api/admin/providers/${ours.id}`)).ok()).toBeTruthy();
});

test('a keyboard reaches the content first through the skip link, with a focus ring that shows', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/credentials');
  await hydrated(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  const ring = await skip.evaluate((el) => getComputedStyle(el).outlineWidth);
  expect(parseFloat(ring)).toBeGreaterThanOrEqual(2);
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
  // The next Tab lands inside the page, not back in the navigation.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBeTruthy();
});

test("the admin's own row on the users page offers neither Disable nor a role change", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Users' }).click();
  await hydrated(page);
  const own = page.locator(`#users tr[data-email="${ADMIN.email}"]`);
  await expect(own).toContainText('(you)');
  await expect(own.getByRole('button')).toHaveCount(0);
  const other = page.locator(`#users tr[data-email="${USER.email}"]`);
  await expect(other.getByRole('button', { name: /^(Disable|Enable)$/ })).toHaveCount(1);
  await openRowMenu(other);
  await expect(other.getByRole('button', { name: /^Make (admin|user)$/ })).toHaveCount(1);
  // Tabbing past its last item (role, reset, copy id, delete) closes the menu.
  await other.locator('details.row-menu summary').focus();
  for (let step = 0; step < 5; step++) await page.keyboard.press('Tab');
  expect(await other.locator('details.row-menu').getAttribute('open')).toBeNull();
});

test('disabling and deleting a provider ask first; Escape and Cancel change nothing', async ({ page }) => {
  await signIn(page, ADMIN);
  const made = await page.request.post('/api/admin/providers', {
    data: { identifier: 'confirm-check', name: 'Confirm check', templateId: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' },
  });
  expect(made.status()).toBe(201);
  await page.goto('/providers');
  await hydrated(page);
  const row = page.locator('#providers tr[data-identifier="confirm-check"]');
  await row.getByRole('button', { name: 'Disable' }).click();
  await expect(row.getByRole('group')).toContainText('stop being offered');
  await page.keyboard.press('Escape');
  await expect(row.getByRole('button', { name: 'Disable' })).toBeFocused();
  await expect(row.locator('.status')).toHaveText('enabled');
  await row.getByRole('button', { name: 'Disable' }).click();
  await row.getByRole('button', { name: 'Disable it' }).click();
  await expect(row.locator('.status')).toHaveText('disabled');

  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Cancel' }).click();
  await expect(row.getByRole('button', { name: 'Delete' })).toBeFocused();
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Delete for good' }).click();
  await expect(row).toHaveCount(0);
});

test('a link opened signed out comes back to its page after sign-in, and only to this site', async ({ page }) => {
  const signInHere = async () => {
    await hydrated(page);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  await page.goto('/audit?page=2&action=user.create');
  await expect(page).toHaveURL(/\/login\?next=%2Faudit%3Fpage%3D2%26action%3Duser.create$/);
  await signInHere();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page).toHaveURL(/\/audit\?page=2&action=user.create$/);
  await expect(page.locator('.filters').getByLabel('Action')).toHaveValue('user.create');

  await signOut(page);
  await page.goto('/login?next=%2F%2Fevil.example%2F');
  await signInHere();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  expect(new URL(page.url()).host).toBe(new URL(process.env.BASE_URL!).host);
});

test('↑ and ↓ show only where they would move something', async ({ page }) => {
  await signIn(page, ADMIN);
  const made = await page.request.post('/api/admin/providers', {
    data: { identifier: 'arrows-check', name: 'Arrows check', templateId: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' },
  });
  expect(made.status()).toBe(201);
  const ids: string[] = [];
  for (const [name, priority] of [['Arrow first', 1], ['Arrow last', 2]] as const) {
    const created = await page.request.post('/api/admin/credentials', {
      data: { provider: 'arrows-check', name, priority, fields: { api_key: `sk-arrows-${priority}-00000000000` } },
    });
    expect(created.status()).toBe(201);
    ids.push((await created.json()).id);
  }
  await page.goto('/credentials?provider=arrows-check');
  await hydrated(page);
  const first = page.locator('tr[data-name="Arrow first"]');
  const last = page.locator('tr[data-name="Arrow last"]');
  await expect(first.getByRole('button', { name: 'Move up' })).toHaveCount(0);
  await expect(last.getByRole('button', { name: 'Move down' })).toHaveCount(0);
  await first.getByRole('button', { name: 'Move down' }).click();
  // Now "Arrow last" leads: its ↑ is gone, and the moved row lost its ↓.
  await expect(page.locator('tr[data-name]').first()).toHaveAttribute('data-name', 'Arrow last');
  await expect(last.getByRole('button', { name: 'Move up' })).toHaveCount(0);
  await expect(first.getByRole('button', { name: 'Move down' })).toHaveCount(0);
  await expect(first.getByRole('button', { name: 'Move up' })).toHaveCount(1);

  for (const id of ids) expect((await page.request.delete(`/api/admin/credentials/${id}`)).ok()).toBeTruthy();
  const providers = await (await page.request.get('/api/admin/providers')).json();
  const ours = providers.data.find((p: { identifier: string }) => p.identifier === 'arrows-check');
  expect((await page.request.delete(`/api/admin/providers/${ours.id}`)).ok()).toBeTruthy();
});

test('statuses are coloured badges with words; a long failure is one line until opened', async ({ page }) => {
  await signIn(page, ADMIN);
  const made = await page.request.post('/api/admin/providers', {
    data: { identifier: 'badge-check', name: 'Badge check', templateId: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' },
  });
  expect(made.status()).toBe(201);
  const created = await page.request.post('/api/admin/credentials', {
    data: { provider: 'badge-check', name: 'Badge key', fields: { api_key: 'sk-badge-check-000000000001' } },
  });
  expect(created.status()).toBe(201);
  await page.goto('/credentials?provider=badge-check');
  await hydrated(page);
  const row = page.locator('tr[data-name="Badge key"]');
  const badge = row.locator('.status .status-badge');
  await expect(badge).toHaveText('active');
  await expect(badge).toHaveAttribute('data-tone', 'good');
  const colour = await badge.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(colour).not.toBe('rgba(0, 0, 0, 0)');

  // While its test runs, the row's Test button turns; it is over once the answer is in.
  await page.route('**/rpc/test_credential*', async (route) => {
    await new Promise((done) => setTimeout(done, 1_000));
    await route.continue();
  });
  const test = row.getByRole('button', { name: 'Test' });
  await test.click();
  await expect(test).toHaveAttribute('aria-busy', 'true');
  await expect(test).not.toHaveAttribute('aria-busy', 'true', { timeout: 10_000 });
  await page.unroute('**/rpc/test_credential*');
  const failure = row.locator('.last-test details.clipped summary');
  await expect(failure).toContainText('failed:');
  const oneLine = await failure.evaluate((el) => ({ height: el.clientHeight, lineHeight: parseFloat(getComputedStyle(el).lineHeight) || 20 }));
  expect(oneLine.height).toBeLessThan(oneLine.lineHeight * 1.6);
  await failure.click();
  await expect(row.locator('.last-test details.clipped')).toHaveAttribute('open', '');

  // The row's main action is a button; the others are in its "More" menu.
  await expect(row.getByRole('button', { name: 'Deactivate' })).toBeHidden();
  await openRowMenu(row);
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await expect(badge).toHaveText('inactive');
  // Redrawn, the row opens its menu again around the button the action was taken with.
  await expect(row.getByRole('button', { name: 'Activate' })).toBeFocused();
  await expect(badge).toHaveAttribute('data-tone', 'off');

  expect((await page.request.delete(`/api/admin/credentials/${(await created.json()).id}`)).ok()).toBeTruthy();
  const providers = await (await page.request.get('/api/admin/providers')).json();
  const ours = providers.data.find((p: { identifier: string }) => p.identifier === 'badge-check');
  expect((await page.request.delete(`/api/admin/providers/${ours.id}`)).ok()).toBeTruthy();
});

test("Azure's credential form has one endpoint input, its own; others offer the override", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/credentials');
  await hydrated(page);
  const form = page.locator('#create-credential');
  await form.locator('select[name="provider"]').selectOption({ label: 'Azure OpenAI' });
  await expect(form.locator('input[name="fields[endpoint]"]')).toHaveCount(1);
  await expect(form.locator('input[name="settings[endpoint]"]')).toHaveCount(0);
  await expect(form.getByText('Endpoint override')).toHaveCount(0);
  await form.locator('select[name="provider"]').selectOption({ label: 'OpenAI' });
  await expect(form.locator('input[name="settings[endpoint]"]')).toHaveCount(1);
  await expect(form.locator('input[name="fields[endpoint]"]')).toHaveCount(0);
});

test('an admin deletes a user after confirming; Escape keeps them', async ({ page }) => {
  await signIn(page, ADMIN);
  const made = await page.request.post('/api/admin/users', {
    data: { email: 'leaving@example.com', displayName: 'Leaving User', password: 'leaving password 123' },
  });
  expect(made.status()).toBe(201);
  await page.goto('/users');
  await hydrated(page);
  const row = page.locator('#users tr[data-email="leaving@example.com"]');
  await openRowMenu(row);
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(row.getByRole('group', { name: /^Delete this user/ })).toContainText('connections and API tokens go too');
  await page.keyboard.press('Escape');
  await expect(row.getByRole('button', { name: 'Delete' })).toBeFocused();
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted leaving@example.com' })).toBeVisible();
  await expect(row).toHaveCount(0);
  const users = await (await page.request.get('/api/admin/users')).json();
  expect(users.data.map((u: { email: string }) => u.email)).not.toContain('leaving@example.com');
});

test('an admin makes a reset link; the user sets a new password with it and signs in', async ({ page }) => {
  await signIn(page, ADMIN);
  const made = await page.request.post('/api/admin/users', {
    data: { email: 'forgetful@example.com', displayName: 'Forgetful User', password: 'forgotten password 1' },
  });
  expect(made.status()).toBe(201);
  await page.goto('/users');
  await hydrated(page);
  const forgetful = page.locator('#users tr[data-email="forgetful@example.com"]');
  await openRowMenu(forgetful);
  await forgetful.getByRole('button', { name: 'Reset password' }).click();
  const card = page.locator('#reset-link');
  await expect(card).toContainText('forgetful@example.com');
  const link = (await card.locator('code').textContent())!;
  expect(link).toMatch(/\/reset\?token=/);
  await expect(card.getByRole('button', { name: 'Copy' })).toBeVisible();

  await signOut(page);
  await page.goto(link);
  await hydrated(page);
  await page.getByLabel(/^New password/).fill('remembered password 2');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your new password is set' })).toBeVisible();
  await signIn(page, { email: 'forgetful@example.com', password: 'remembered password 2' });

  // The link worked once.
  await page.goto(link);
  await hydrated(page);
  await page.getByLabel(/^New password/).fill('a third password 33');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('alert')).toContainText('not valid any more');
});

test('Export CSV downloads the credentials’ metadata, never a key', async ({ page }) => {
  await signIn(page, ADMIN);
  const key = 'sk-export-check-00000000777';
  const made = await page.request.post('/api/admin/credentials', {
    data: { provider: 'openai', name: 'Exported key', fields: { api_key: key } },
  });
  expect(made.status()).toBe(201);
  await page.goto('/credentials');
  await hydrated(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('credentials.csv');
  const text = readFileSync(await file.path(), 'utf8');
  expect(text.split('\n')[0]).toContain('id,name,provider,priority');
  expect(text).toContain('Exported key');
  expect(text).not.toContain(key);
  expect(text).not.toContain('0777');
  expect((await page.request.delete(`/api/admin/credentials/${(await made.json()).id}`)).ok()).toBeTruthy();
});

test('the users list is searched, ordered by a column and sized, all kept in the address', async ({ page }) => {
  await signIn(page, ADMIN);
  const made: string[] = [];
  for (const [email, displayName, role] of [
    ['list-zed@example.com', 'Aaron Listed', 'user'], ['list-amy@example.com', 'Zelda Listed', 'admin'],
  ]) {
    const created = await page.request.post('/api/admin/users', { data: { email, displayName, password: 'a listed password 1', role } });
    expect(created.status()).toBe(201);
    made.push((await created.json()).id);
  }
  try {
    await page.goto('/users');
    await hydrated(page);
    const search = page.locator('.filters').getByLabel('Search users');
    await search.fill('LISTED');
    await search.press('Enter');
    await expect(page).toHaveURL(/[?&]q=LISTED\b/);
    const emails = () => page.locator('#users tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-email')));
    await expect(page.locator('#users tbody tr')).toHaveCount(2);
    expect(await emails()).toEqual(['list-amy@example.com', 'list-zed@example.com']);
    const byName = page.locator('#users th', { has: page.locator('button[data-order="name"]') });
    await byName.getByRole('button').click();
    await expect(byName).toHaveAttribute('aria-sort', 'ascending');
    await expect.poll(emails).toEqual(['list-zed@example.com', 'list-amy@example.com']);
    // The link reproduces the view.
    const link = page.url();
    await page.goto('/');
    await page.goto(link);
    await hydrated(page);
    expect(await emails()).toEqual(['list-zed@example.com', 'list-amy@example.com']);
    await page.locator('.filters').getByLabel('Per page').selectOption('25');
    await expect(page).toHaveURL(/[?&]per=25\b/);
    await search.fill('nobody-has-this');
    await search.press('Enter');
    await expect(page.getByText('Nothing matches this filter.')).toBeVisible();
  } finally {
    for (const id of made) expect((await page.request.delete(`/api/admin/users/${id}`)).ok()).toBeTruthy();
  }
});
