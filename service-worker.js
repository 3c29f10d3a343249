// The service worker: an app shell that works with no network, and the
// outbox sent by Background Sync. Served from the site root by
// blueprints/pwa.py, which fills in VERSION and PRECACHE, so its scope is the
// whole site. Caches are per version; the citizen's drafts, photos and
// outbox live in IndexedDB, which no version change ever touches.
import { within } from '/static/js/api.js';
import { processOutbox } from '/static/js/outbox.js';

const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const SHELL = 'shell-' + VERSION;
const APP_SHELL = '/ung-dung';
const OFFLINE = '/ngoai-tuyen';
const OFFICE = '/can-bo/';
// Pages that open the wizard: offline they get the app shell, whose script
// reads everything from the device.
const WIZARD_PAGES = /^\/ho-so\/(nhap\/[0-9a-f-]{36}|moi)$/;

// Handing over to a newer version. The newer one calls skipWaiting(), so
// the browser activates it as soon as this worker has no event left and
// stops this one at once: a navigation this worker was still answering then
// never ended, the page stayed blank (issue 10's stall, seen in Chromium a
// second or two after an update). So once a successor is installed this
// worker takes no new request (the browser fetches it itself), starts no
// outbox run and stops waiting for its turn to send: the successor sends
// the outbox when it activates. No event of this worker outlives a deadline.
function supplanted() {
  const me = self.serviceWorker;
  if (!me) return false; // a browser without it: the old behaviour
  const { waiting, active } = self.registration;
  return me.state === 'redundant' || (!!waiting && waiting !== me) || (!!active && active !== me);
}
const successor = new AbortController();
function noticeSuccessor() {
  if (supplanted() && !successor.signal.aborted) successor.abort();
}
self.registration.addEventListener('updatefound', () => {
  self.registration.installing?.addEventListener('statechange', noticeSuccessor);
});

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

// A navigation the network has not answered in this time gets the app
// shell or the offline page; on a working 3G link a page takes about 1 s.
const NAVIGATION_DEADLINE_MS = 5000;
// Static files are precached; one that is not (a new icon) may wait longer.
const STATIC_DEADLINE_MS = 15000;
const CATALOG_DEADLINE_MS = 8000;
const TOO_LATE = Symbol('too late');

async function staticFile(request) {
  // Each version's cache was filled at install, so the ?v= content hash is
  // not needed to tell versions apart here.
  const kept = await fromShell(request, { ignoreSearch: true });
  if (kept) return kept;
  const response = await within(fetch(request), STATIC_DEADLINE_MS, TOO_LATE);
  return response === TOO_LATE ? Response.error() : response;
}

// Pages that came after their deadline, kept in this worker's memory (never
// on disk: they carry the citizen's answers and CSRF token) for the reload
// of the fallback page that was shown meanwhile (static/js/late-page.js).
// url -> { arrived: Promise<boolean>, response: Response | null, at }
const latePages = new Map();
const LATE_PAGE_KEPT_MS = 2 * 60 * 1000;

function forgetOldLatePages() {
  for (const [url, late] of latePages) {
    if (Date.now() - late.at > LATE_PAGE_KEPT_MS) latePages.delete(url);
  }
}

function keepLatePage(url, network) {
  const late = { response: null, at: Date.now() };
  late.arrived = network.then(
    (response) => {
      late.response = response;
      late.at = Date.now();
      return true;
    },
    () => {
      latePages.delete(url);
      return false;
    },
  );
  latePages.set(url, late);
  return late.arrived;
}

// The whole page, read within the deadline: a page whose first bytes come
// and the rest drips for minutes would leave a half-drawn screen.
async function wholePage(request, signal) {
  const response = await fetch(request, { signal });
  if (response.type === 'opaqueredirect' || response.status === 204) return response;
  const body = await response.arrayBuffer();
  // The bytes are decoded already: a proxy's gzip must not be undone twice.
  const headers = new Headers(response.headers);
  headers.delete('Content-Encoding');
  headers.delete('Content-Length');
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

async function fallbackFor(request) {
  const path = new URL(request.url).pathname;
  const fallback = WIZARD_PAGES.test(path) ? APP_SHELL : OFFLINE;
  return (await fromShell(fallback)) || Response.error();
}

async function page(event) {
  const { request } = event;
  forgetOldLatePages();
  const kept = latePages.get(request.url);
  if (kept && kept.response) {
    latePages.delete(request.url); // given once: the next visit asks the network again
    return kept.response;
  }
  // Pages carry the citizen's CSRF token and answers: from the network,
  // never stored on disk.
  const reading = new AbortController();
  const network = wholePage(request, reading.signal);
  let response;
  try {
    response = await within(network, NAVIGATION_DEADLINE_MS, TOO_LATE);
  } catch {
    return fallbackFor(request); // no network at all
  }
  if (response !== TOO_LATE) return response;
  // Too slow: the fallback now, and the real page when it comes, unless it
  // takes LATE_PAGE_KEPT_MS or a successor comes: waited for longer, it
  // would hold this worker's event open (and the successor out) for ever.
  const giveUp = () => reading.abort();
  const timer = setTimeout(giveUp, LATE_PAGE_KEPT_MS);
  network.finally(() => clearTimeout(timer)).catch(() => {});
  if (successor.signal.aborted) giveUp();
  else successor.signal.addEventListener('abort', giveUp, { once: true });
  event.waitUntil(keepLatePage(request.url, network));
  return fallbackFor(request);
}

async function catalog(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await within(fetch(request), CATALOG_DEADLINE_MS, TOO_LATE);
    if (response === TOO_LATE) return (await cache.match(request)) || Response.error();
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch {
    return (await cache.match(request)) || Response.error();
  }
}

// The fallback page asks whether its real page is on the way, and is told
// again when it has come ('ready') or will not ('none').
async function answerLatePage(source, url) {
  const late = latePages.get(url);
  if (!late) return source.postMessage({ type: 'late-page', url, state: 'none' });
  if (late.response) return source.postMessage({ type: 'late-page', url, state: 'ready' });
  source.postMessage({ type: 'late-page', url, state: 'pending' });
  const arrived = await late.arrived;
  return source.postMessage({ type: 'late-page', url, state: arrived ? 'ready' : 'none' });
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (supplanted()) return;
  // The office's pages stay online-only: the browser's own handling, no
  // citizen's offline page standing in for them.
  if (url.pathname.startsWith(OFFICE)) return;
  if (request.mode === 'navigate') event.respondWith(page(event));
  else if (url.pathname === '/api/v1/catalog') event.respondWith(catalog(request));
  else if (url.pathname.startsWith('/static/') || url.pathname === '/manifest.json') {
    event.respondWith(staticFile(request));
  }
});

// Sends of a worker being replaced: none started, and a wait for the turn
// ends when the successor comes (which sends the outbox on activation).
function sendOutbox() {
  if (supplanted()) return Promise.resolve();
  return processOutbox({ signal: successor.signal }).catch((e) => {
    if (!successor.signal.aborted) throw e;
  });
}

self.addEventListener('sync', (event) => {
  if (event.tag === 'outbox') event.waitUntil(sendOutbox());
});

self.addEventListener('message', (event) => {
  const { data, source } = event;
  if (data === 'process-outbox') event.waitUntil(sendOutbox());
  // Signing out on a shared phone: nothing of this citizen stays here.
  if (data === 'forget-citizen') latePages.clear();
  if (data && data.type === 'late-page' && source) event.waitUntil(answerLatePage(source, data.url));
  if (data === 'version' && source) source.postMessage({ version: VERSION });
});
