/**
 * Headless Debian Chromium for end-to-end tests, driven by playwright-core (which ships no browser).
 * Each launch gets a fresh profile directory, removed on close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's `chromium` package; CI installs it (.ci/run). Override with CANDOR_CHROMIUM. */
export const CHROMIUM_PATH = process.env.CANDOR_CHROMIUM ?? '/usr/bin/chromium';

/** No GPU, no network chatter of Chromium's own (updates, sync, QUIC probes), no first-run UI. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ChromiumOptions {
  /** Default 350×700, a typical Outlook task pane. */
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  forcedColors?: 'active' | 'none';
}

export interface Chromium {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(options: ChromiumOptions = {}): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'candor-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: options.viewport ?? { width: 350, height: 700 },
      colorScheme: options.colorScheme ?? 'light',
      forcedColors: options.forcedColors ?? 'none',
      timeout: 60_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `Could not start Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CANDOR_CHROMIUM): ${String(error)}`,
    );
  }
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** One Chromium whose contexts are isolated from each other (own storage, IndexedDB, Web Locks): devices. */
export interface ChromiumDevices {
  browser: Browser;
  /** A fresh isolated context, as another device of the same user would be. */
  newDevice(): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchChromiumDevices(options: ChromiumOptions = {}): Promise<ChromiumDevices> {
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      timeout: 60_000,
    });
  } catch (error) {
    throw new Error(
      `Could not start Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CANDOR_CHROMIUM): ${String(error)}`,
    );
  }
  return {
    browser,
    newDevice: () =>
      browser.newContext({
        viewport: options.viewport ?? { width: 350, height: 700 },
        colorScheme: options.colorScheme ?? 'light',
        forcedColors: options.forcedColors ?? 'none',
      }),
    close: () => browser.close().catch(() => undefined),
  };
}
