import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's chromium, which .ci/run installs with apt. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);

/**
 * Flags for a headless Chromium on a machine with no network: without the
 * background-networking ones it keeps trying hosts it cannot reach.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Says on stderr why a browser suite is skipped; the only allowed skip is
 * a machine without /usr/bin/chromium.
 */
export function noteSkippedWithoutChromium(suite: string): void {
  if (!HAVE_CHROMIUM) {
    process.stderr.write(
      `${suite}: skipped, ${CHROMIUM} is absent (apt install chromium).\n`,
    );
  }
}

/** A headless Chromium with a fresh profile under `tmp`. */
export function launchChromium(
  tmp: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/** A new page that may reach only `serverUrl`'s origin; all else aborts. */
export async function newLocalPage(
  context: BrowserContext,
  serverUrl: string,
): Promise<Page> {
  const page = await context.newPage();
  const origin = new URL(serverUrl).origin;
  await page.route('**/*', (route) =>
    new URL(route.request().url()).origin === origin
      ? route.continue()
      : route.abort());
  return page;
}
