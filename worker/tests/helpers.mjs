// Shared helpers for the worker HTTP tests (node:test, no dependencies).
// TANFANG_BASE_URL points at a fresh `wrangler dev` with DEV_SEED=1 (see run-local.sh).

export const BASE = (process.env.TANFANG_BASE_URL || 'http://127.0.0.1:8787').replace(/\/$/, '');
export const PASSWORD = 'tanfang-demo-1';

let seeded = null;

/** Calls POST /api/dev/seed once per process (retrying while another file seeds). */
export async function seed() {
  if (seeded) return seeded;
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await fetch(`${BASE}/api/dev/seed`, { method: 'POST' });
    if (res.ok) {
      seeded = await res.json();
      return seeded;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('seed failed');
}

/** A unique fake client address per call, so rate limits of one test do not hit another. */
let ipCounter = 0;
export function freshIp() {
  ipCounter += 1;
  return `198.51.${process.pid % 250}.${ipCounter % 250}`;
}

/** Raw request; returns { status, headers, json, text }. */
export async function request(method, path, { cookie, body, headers = {}, rawBody } = {}) {
  const init = { method, headers: { ...headers } };
  if (cookie) init.headers.cookie = cookie;
  if (rawBody !== undefined) {
    init.body = rawBody;
    init.headers['content-type'] = init.headers['content-type'] || 'application/json';
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${BASE}${path}`, init);
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Logs in and returns { cookie, user, setCookie }. */
export async function login(loginName, password = PASSWORD, ip = freshIp()) {
  const res = await request('POST', '/api/auth/login', {
    body: { login: loginName, password },
    headers: { 'cf-connecting-ip': ip },
  });
  if (res.status !== 200) {
    throw new Error(`login ${loginName} failed: ${res.status} ${res.text}`);
  }
  const setCookie = res.headers.get('set-cookie');
  const cookie = setCookie.split(';')[0];
  return { cookie, user: res.json.user, setCookie };
}

/** Checks the error shape and returns the error object. */
export function errorOf(res) {
  if (!res.json || typeof res.json.error !== 'object') {
    throw new Error(`no error object in ${res.status} ${res.text}`);
  }
  const { error } = res.json;
  for (const key of ['code', 'message', 'field']) {
    if (!(key in error)) throw new Error(`error lacks ${key}: ${res.text}`);
  }
  return error;
}

let visitCounter = 0;
/** A minimal valid visit record (domain VisitRecord JSON). */
export function visit(elderId, overrides = {}) {
  visitCounter += 1;
  const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  return {
    id: `test-${process.pid}-${Date.now()}-${visitCounter}`,
    elder_id: elderId,
    date: today,
    mode: 'home',
    ...overrides,
  };
}

/** Random client id for push tests. */
export function clientId(label = 'c') {
  return `${label}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}
