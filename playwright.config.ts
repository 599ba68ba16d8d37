// Playwright drives Debian's Chromium (no browser download: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
// `cargo xtask test e2e` starts a fresh, seeded `wrangler dev` and passes its URL in
// TANFANG_BASE_URL; run by hand against `cargo xtask dev` it defaults to :8787.
import { defineConfig, devices } from '@playwright/test';

const baseURL = process.env.TANFANG_BASE_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  testDir: './e2e',
  testIgnore: ['bench/**'],
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    {
      name: 'phone',
      use: { ...devices['Pixel 5'], viewport: { width: 360, height: 740 }, browserName: 'chromium' },
    },
  ],
});
