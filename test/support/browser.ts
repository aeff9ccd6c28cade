// Headless Chromium for the report page's tests: Debian's `chromium`, driven by playwright-core, with a fresh
// profile, no network services of its own, and a record of every console error, page error and request that
// is not the report file itself. Without Chromium a browser test skips, saying why; under CI=true it runs
// anyway and fails at launch, so a CI machine without Chromium cannot pass quietly.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './paths.js';

export const CHROMIUM = '/usr/bin/chromium';

/** `skip` for a browser test: false where Chromium is (or under CI), else the reason. */
export const noBrowser: string | false =
  existsSync(CHROMIUM) || process.env.CI === 'true' ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

/** Where screenshots go (not committed). */
export const ARTIFACTS = join(REPO_ROOT, 'dist', 'test-artifacts');

export interface OpenedPage {
  readonly page: Page;
  /** Console errors and uncaught page errors, as text. */
  readonly errors: string[];
  /** Requests for anything but the report file. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Opens `file` (a report) at 1280x800 and waits until its script has drawn it. */
export async function openReport(file: string, options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<OpenedPage> {
  const profile = mkdtempSync(join(tmpdir(), 'logsift-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      colorScheme: options.colorScheme ?? 'light',
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`cannot start Chromium (${CHROMIUM}): ${(error as Error).message}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const requests: string[] = [];
  const url = `file://${file}`;
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    errors.push(`a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await context.route('**/*', (route) => {
    if (route.request().url() !== url) requests.push(route.request().url());
    return route.request().url() === url ? route.continue() : route.abort();
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready]');
  return {
    page,
    errors,
    requests,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of the page's viewport as dist/test-artifacts/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
