// Checks in real Chromium that the Secure session cookie works on http://127.0.0.1 (a secure
// context for Chromium): log in through fetch from the app's origin, then GET /api/me with the
// cookie the browser stored. Usage: TANFANG_BASE_URL=… node worker/tests/cookie-chromium.mjs
// (not a node:test file: it needs a browser; run-local.sh runs it when CHROMIUM=1).
import { chromium } from 'playwright-core';

const BASE = (process.env.TANFANG_BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/api/me`);
  const result = await page.evaluate(async () => {
    await fetch('/api/dev/seed', { method: 'POST' });
    const login = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'volunteer1', password: 'tanfang-demo-1' }),
    });
    const me = await fetch('/api/me');
    return { login: login.status, me: me.status, visibleToScript: document.cookie.includes('tanfang_session') };
  });
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'tanfang_session');
  const ok = result.login === 200 && result.me === 200 && !result.visibleToScript && session?.secure && session?.httpOnly && session?.sameSite === 'Lax';
  console.log(JSON.stringify({ ...result, cookie: session && { secure: session.secure, httpOnly: session.httpOnly, sameSite: session.sameSite, path: session.path } }));
  if (!ok) {
    console.error('FAIL: the Secure session cookie did not work on http://127.0.0.1');
    process.exit(1);
  }
  console.log('ok: Chromium stores and sends the Secure HttpOnly SameSite=Lax cookie on http://127.0.0.1');
} finally {
  await browser.close();
}
