import { defineConfig } from '@playwright/test';

// The browser tests run the debug build made by `cargo leptos build` (see the Makefile's `e2e`)
// against a fresh SQLite file, in Debian's Chromium (no browser download).
const port = Number(process.env.E2E_PORT ?? 3917);
// The server binary: the Makefile passes its own (CARGO_TARGET_DIR may be outside the checkout).
const serverBin = process.env.E2E_SERVER_BIN ?? '../target/debug/server';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1, // the tests count responses in one shared database
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    locale: 'fr-FR',
    trace: 'off',
  },
  webServer: {
    command: `rm -rf .tmp && mkdir -p .tmp && exec '${serverBin}' serve`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: 'sqlite://.tmp/e2e.db?mode=rwc',
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: '../target/site',
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_OUTPUT_NAME: 'avis',
      LEPTOS_ENV: 'DEV',
      ADMIN_EMAIL: 'qualite@essonne.gouv.fr',
      ADMIN_PASSWORD: 'mot de passe très long',
      RUST_LOG: 'warn',
      // Short inactivity timings for tests/kiosk.spec.ts (only tablets' pages use them).
      KIOSK_IDLE_SECONDS: '4',
      KIOSK_WARNING_SECONDS: '12',
    },
  },
});
