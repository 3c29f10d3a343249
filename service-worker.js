// The service worker: an app shell that works with no network, and the
// outbox sent by Background Sync. Served from the site root by
// blueprints/pwa.py, which fills in VERSION and PRECACHE, so its scope is the
// whole site. Caches are per version; the citizen's drafts, photos and
// outbox live in IndexedDB, which no version change ever touches.
import { processOutbox } from '/static/js/outbox.js';

const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const SHELL = 'shell-' + VERSION;
const APP_SHELL = '/ung-dung';
const OFFLINE = '/ngoai-tuyen';
// Pages that open the wizard: offline they get the app shell, whose script
// reads everything from the device.
const WIZARD_PAGES = /^\/ho-so\/(nhap\/[0-9a-f-]{36}|moi)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('shell-') && name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
      // Anything queued while the old version ran goes out now.
      processOutbox().catch(() => {});
    })(),
  );
});

async function fromShell(request, options) {
  const cache = await caches.open(SHELL);
  return cache.match(request, options);
}

async function staticFile(request) {
  // Each version's cache was filled at install, so the ?v= content hash is
  // not needed to tell versions apart here.
  return (await fromShell(request, { ignoreSearch: true })) || fetch(request);
}

async function page(request) {
  try {
    // Pages carry the citizen's CSRF token and answers: always from the
    // network, never stored.
    return await fetch(request);
  } catch {
    const path = new URL(request.url).pathname;
    const fallback = WIZARD_PAGES.test(path) ? APP_SHELL : OFFLINE;
    return (await fromShell(fallback)) || Response.error();
  }
}

async function catalog(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch {
    return (await cache.match(request)) || Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') event.respondWith(page(request));
  else if (url.pathname === '/api/v1/catalog') event.respondWith(catalog(request));
  else if (url.pathname.startsWith('/static/') || url.pathname === '/manifest.json') {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener('sync', (event) => {
  if (event.tag === 'outbox') event.waitUntil(processOutbox());
});

self.addEventListener('message', (event) => {
  if (event.data === 'process-outbox') event.waitUntil(processOutbox());
  if (event.data === 'version' && event.source) event.source.postMessage({ version: VERSION });
});
