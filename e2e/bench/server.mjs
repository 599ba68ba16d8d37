// What the browser benches share: talking to the seeded server and the median of runs.

/** The middle value of `values` (the upper one of an even count). */
export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** A JSON client for the server at `base`; throws with the answer on any non-2xx. */
export function serverApi(base) {
  return async function api(pathname, init = {}, cookie) {
    const response = await fetch(base + pathname, {
      ...init,
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...(init.headers ?? {}) },
    });
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${pathname} → ${response.status} ${await response.text()}`);
    return response;
  };
}

/** Seeds the demo data (idempotent) and logs in as the seed account `login`: its entry and the
 * session cookie. */
export async function seededLogin(api, login, headers = {}) {
  const seed = await (await api('/api/dev/seed', { method: 'POST' })).json();
  const account = seed.logins.find((entry) => entry.login === login);
  const response = await api('/api/auth/login', {
    method: 'POST',
    headers,
    body: JSON.stringify({ login: account.login, password: account.password }),
  });
  return { account, cookie: response.headers.get('set-cookie').split(';')[0] };
}
