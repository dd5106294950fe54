import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium for the console's browser tests (playwright-core drives it; no browser
 * download). `.ci/run` installs it. A missing browser is a failure with the fix in the
 * message, never a silent skip: the console's security claims are only checked here.
 */
export const CHROMIUM_PATH = process.env.MEDSHIELD_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the console's browser tests need it. ` +
        'Install it with `apt-get update && apt-get install -y --no-install-recommends chromium` (CI does this in .ci/run), ' +
        'or point MEDSHIELD_CHROMIUM at a Chromium binary.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
