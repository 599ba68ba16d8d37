// Tanfang service worker: keeps the app shell available offline.
//
// - App shell (index.html, /pkg/*, /styles/*, manifest, icons) is pre-cached on install under a
//   cache named after the build id, and served cache-first; old caches are dropped on activate.
// - /api/* is always network-only: API responses are NEVER stored here (personal data lives in
//   IndexedDB under the app's control and is wiped on log-out).
// - Navigations (any other path, the app is a single page) fall back to the cached index.html.
const BUILD_ID = '__BUILD_ID__';
const CACHE = 'tanfang-shell-' + BUILD_ID;
const SHELL = [
  '/',
  '/index.html',
  '/pkg/tanfang_app.js',
  '/pkg/tanfang_app_bg.wasm',
  '/styles/app.css',
  '/styles/print.css',
  '/manifest.webmanifest',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting())
  );
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
      caches.match('/index.html').then((cached) => cached || fetch(request))
        .catch(() => fetch(request))
    );
    return;
  }
  event.respondWith(
    caches.match(request, { ignoreSearch: true }).then((cached) => {
      if (cached) return cached;
      return fetch(request).then((response) => {
        const shellAsset = url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/styles/')
          || url.pathname.startsWith('/icons/');
        if (response.ok && shellAsset) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      });
    })
  );
});
