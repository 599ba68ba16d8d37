// Tanfang service worker: keeps the app shell available offline.
//
// - App shell (index.html, the phone bundle in /pkg/, /styles/*, manifest, icons) is pre-cached
//   on install under a cache named after the build id, and served cache-first; old caches are
//   dropped on activate. The office bundle (/pkg/tanfang_office*, console and groups) is not
//   pre-cached — volunteers never download it — but is kept once a coordinator has loaded it.
// - /api/* is always network-only: API responses are NEVER stored here (personal data lives in
//   IndexedDB under the app's control and is wiped on log-out).
// - Navigations (any other path, the app is a single page) fall back to the cached index.html.
const BUILD_ID = '__BUILD_ID__';
const CACHE = 'tanfang-shell-' + BUILD_ID;
// '/' and not '/index.html': the static host answers /index.html with a redirect to /, and a
// redirected response cannot answer a navigation.
const SHELL = [
  '/',
  // The phone bundle's and the styles' file names carry their content's hash (written by
  // `cargo xtask build-app`).
  '/pkg/__FILE_tanfang_app__.js',
  '/pkg/__FILE_tanfang_app___bg.wasm',
  '/styles/__FILE_app.css__',
  '/styles/__FILE_print.css__',
  '/manifest.webmanifest',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];

// A response that followed a redirect is rebuilt as a plain 200 so that it may be served.
async function storable(response) {
  if (!response.redirected) return response;
  const body = await response.blob();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(SHELL.map(async (url) => {
      const response = await fetch(new Request(url, { cache: 'reload' }));
      if (!response.ok) throw new Error(`precache ${url}: ${response.status}`);
      await cache.put(url, await storable(response));
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith('tanfang-shell-') && key !== CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Network only for the API: never answer from or write to the cache.
  if (url.pathname.startsWith('/api/')) return;

  if (request.mode === 'navigate') {
    event.respondWith(
      caches.match('/').then((cached) => cached || fetch(request))
    );
    return;
  }
  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then((cached) => {
      if (cached) return cached;
      return fetch(request).then((response) => {
        const shellAsset = url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/styles/')
          || url.pathname.startsWith('/icons/');
        if (response.ok && shellAsset && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      });
    })
  );
});
