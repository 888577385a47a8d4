/** Headless Chromium (playwright-core) for page tests: launched from CHROMIUM_PATH, never skipped. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Launches Chromium; throws when it is not installed, since these tests never skip. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install chromium or set CHROMIUM_PATH (these tests never skip).`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** Clicks the button named `name` and returns the HTTP status of the form POST it navigates with. */
export async function clickButton(page: Page, name: string): Promise<number | undefined> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  return response.status();
}

/** A fresh browser context (British English, 10 s timeouts) with one page, and the console errors it logs. */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { context, page, errors };
}
