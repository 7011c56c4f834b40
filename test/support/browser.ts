import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, which `npm test`'s pretest installs when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Why browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | null {
  if (!existsSync(CHROMIUM_PATH)) {
    return `${CHROMIUM_PATH} is missing: run npm test (its pretest installs chromium) or apt-get install chromium`;
  }
  if (!existsSync(join(process.cwd(), 'dist', 'web', 'index.html'))) {
    return 'dist/web is missing: run npm run build first (npm test does)';
  }
  return null;
}

/** Launches headless Chromium as the tests drive it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

/** `test-results/screenshots` (git-ignored), created when missing. */
export async function screenshotDir(): Promise<string> {
  const dir = join(process.cwd(), 'test-results', 'screenshots');
  await mkdir(dir, { recursive: true });
  return dir;
}
