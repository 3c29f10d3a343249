// Only one context (a page or the service worker) sends the outbox at a
// time: two senders working through one item ask for two SMS codes and race
// each other's uploads. Web Locks where the browser has them (they are
// released by the browser when a tab or worker dies); elsewhere a lease in
// IndexedDB that its holder renews and that runs out if the holder is gone.
import { newId } from './api.js';
import { update } from './store.js';

const NAME = 'lienthong-outbox-sender';
const LEASE_MS = 20000;
const me = newId();
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

const claim = () => update('meta', NAME, (lease) => {
  const free = !lease || lease.until < Date.now() || lease.holder === me;
  return free ? { key: NAME, holder: me, until: Date.now() + LEASE_MS } : undefined;
});

async function withLease(work, signal) {
  for (;;) {
    signal?.throwIfAborted();
    const lease = await claim();
    if (lease && lease.holder === me) break;
    await sleep(300 + Math.random() * 700);
  }
  const renew = setInterval(() => claim().catch(() => {}), LEASE_MS / 4);
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await update('meta', NAME, (lease) => (lease && lease.holder === me ? null : undefined))
      .catch(() => {});
  }
}

// Runs `work` once no other context is sending; waits its turn meanwhile,
// unless `signal` aborts the wait (an old service worker's successor has
// come: see service-worker.js). `{ locks: false }` takes the lease even
// where Web Locks exist (tests).
export function asSoleSender(work, { locks = true, signal } = {}) {
  const webLocks = globalThis.navigator && navigator.locks;
  if (locks && webLocks && webLocks.request) {
    return webLocks.request(NAME, signal ? { signal } : {}, () => work());
  }
  return withLease(work, signal);
}
