import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { ADMIN, USER, hydrated, signIn } from './session';

// Every page, for both roles, at a phone's width and a laptop's, in the light and the dark
// theme: nothing scrolls sideways and axe finds nothing. Runs last (name order), when the
// earlier specs have filled the lists. SCREENSHOT_DIR, when set, receives a picture of each.
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 900 };
const USER_PAGES = ['/', '/providers', '/connections', '/tokens', '/gateway', '/account'];
const ADMIN_PAGES = [...USER_PAGES, '/credentials', '/templates', '/users', '/logs', '/audit', '/webhooks', '/jobs', '/backups'];

/** A provider's and a template's detail page, found through their lists. */
async function detailPages(page: Page) {
  const found: string[] = [];
  for (const list of ['/providers', '/templates']) {
    await page.goto(list);
    await hydrated(page);
    const href = await page.locator(`main a[href^="${list}/"]`).first().getAttribute('href');
    if (href) found.push(href);
  }
  expect(found, 'a provider and a template to open').toHaveLength(2);
  return found;
}

async function fitsAndPasses(page: Page, path: string, shot: string, audit: boolean) {
  await page.goto(path);
  await hydrated(page);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${path} scrolls sideways (${shot})`).toBeLessThanOrEqual(innerWidth);
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${shot}.png`, fullPage: true });
  }
  if (audit) {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const found = violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
    expect(found, `axe on ${path} (${shot})`).toEqual([]);
  }
}

for (const [role, who, pages] of [['admin', ADMIN, ADMIN_PAGES], ['user', USER, USER_PAGES]] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`every ${role} page fits a phone and a laptop and passes axe, ${scheme}`, async ({ page }) => {
      test.setTimeout(180_000);
      await page.emulateMedia({ colorScheme: scheme });
      await signIn(page, who);
      const all = role === 'admin' ? [...pages, ...(await detailPages(page))] : [...pages];
      for (const [width, size] of [['laptop', LAPTOP], ['phone', PHONE]] as const) {
        await page.setViewportSize(size);
        for (const path of all) {
          const name = `${role}-${scheme}-${width}${path.replaceAll('/', '-').replace(/-$/, '') || '-overview'}`;
          // axe at both widths in light, at the laptop's in dark: the colours are the same.
          await fitsAndPasses(page, path, name, scheme === 'light' || width === 'laptop');
        }
      }
    });
  }
}

test("a visitor's pages fit a phone and pass axe in both themes", async ({ page }) => {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(PHONE);
    await fitsAndPasses(page, '/login', `visitor-${scheme}-phone-login`, true);
    await fitsAndPasses(page, '/reset?token=not-a-token', `visitor-${scheme}-phone-reset`, true);
  }
});

test('on a phone the navigation is a menu: it opens, and following a link closes it', async ({ page }) => {
  await page.setViewportSize(PHONE);
  await signIn(page, ADMIN);
  const nav = page.getByRole('navigation', { name: 'Main' });
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(nav.getByRole('group', { name: 'Watching' })).toBeVisible();
  await nav.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(nav).toBeHidden();
  // On a laptop the same links stand in groups beside the page, with no menu button.
  await page.setViewportSize(LAPTOP);
  await expect(nav.getByRole('group', { name: 'Routing' }).getByRole('link', { name: 'Credentials' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveAttribute('aria-current', 'page');
  await expect(menu).toBeHidden();
});

test('the dark theme follows the system, and the toggle overrides it for good', async ({ page }) => {
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const isDark = async () => {
    const [r, g, b] = (await background()).match(/\d+/g)!.map(Number);
    return r + g + b < 150;
  };
  await page.emulateMedia({ colorScheme: 'dark' });
  await signIn(page, USER);
  expect(await isDark(), 'a dark system gets the dark theme').toBe(true);
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');

  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  await hydrated(page);
  expect(await isDark()).toBe(false);
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(await isDark(), 'the toggle turns the page dark on a light system').toBe(true);

  // The choice sticks: the server renders the next page dark from its first byte.
  const html = await (await page.request.get('/tokens')).text();
  expect(html).toContain('data-theme="dark"');
  await page.goto('/tokens');
  await hydrated(page);
  expect(await isDark()).toBe(true);
  await expect(page.getByRole('button', { name: 'Dark theme' })).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('button', { name: 'Dark theme' }).click();
  expect(await isDark()).toBe(false);
  await page.reload();
  await hydrated(page);
  expect(await isDark(), 'light sticks too, on a light system').toBe(false);
});
