// The device's copy of everything a citizen types or photographs (IndexedDB).
// Stores: drafts (answers), photos (Blobs), outbox (submissions waiting to
// be sent), meta (small facts such as the signed-in phone). A new app
// version never touches these: caches are versioned, this database is not.
const NAME = 'lienthong';
const VERSION = 1;
let opening = null;

export class StorageFullError extends Error {
  constructor() {
    super('Bộ nhớ điện thoại đã đầy nên chưa lưu được ảnh này. Hãy xóa bớt ảnh, video hoặc ' +
      'ứng dụng không dùng, rồi chụp lại. Các ảnh đã lưu vẫn còn nguyên.');
    this.code = 'storage_full';
  }
}

function db() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const d = request.result;
        d.createObjectStore('drafts', { keyPath: 'id' });
        const photos = d.createObjectStore('photos', { keyPath: 'client_id' });
        photos.createIndex('draft_id', 'draft_id');
        d.createObjectStore('outbox', { keyPath: 'draft_id' });
        d.createObjectStore('meta', { keyPath: 'key' });
      };
      request.onsuccess = () => {
        // Another tab opening a newer version must not be blocked by us.
        request.result.onversionchange = () => request.result.close();
        resolve(request.result);
      };
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

function wrap(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function tx(store, mode, work) {
  const d = await db();
  const transaction = d.transaction(store, mode);
  const result = await work(transaction.objectStore(store));
  await new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onabort = transaction.onerror = () => {
      const error = transaction.error;
      reject(error && error.name === 'QuotaExceededError' ? new StorageFullError() : error);
    };
  });
  return result;
}

export const get = (store, key) => tx(store, 'readonly', (s) => wrap(s.get(key)));
export const put = (store, value) => tx(store, 'readwrite', (s) => wrap(s.put(value)));
export const remove = (store, key) => tx(store, 'readwrite', (s) => wrap(s.delete(key)));
export const all = (store) => tx(store, 'readonly', (s) => wrap(s.getAll()));
export const byDraft = (draftId) =>
  tx('photos', 'readonly', (s) => wrap(s.index('draft_id').getAll(draftId)));

// Changes one record inside a single transaction, so two writers (the page
// and the service worker) never overwrite each other's fields.
export function update(store, key, change) {
  return tx(store, 'readwrite', async (s) => {
    const current = await wrap(s.get(key));
    const next = change(current);
    if (next === undefined) return current;
    await wrap(next === null ? s.delete(key) : s.put(next));
    return next;
  });
}

// Asks the browser not to evict our data, and says how much room is left.
export async function storageRoom() {
  if (!navigator.storage || !navigator.storage.estimate) return { ok: true };
  try {
    if (navigator.storage.persist) await navigator.storage.persist();
    const { quota = 0, usage = 0 } = await navigator.storage.estimate();
    return { ok: quota - usage > 15 * 1024 * 1024, free: quota - usage };
  } catch {
    return { ok: true };
  }
}

// Kept when a citizen signs out: the same for everyone, and needed offline.
export const SHARED_META = ['catalog', 'communes'];

// Signing out on a shared phone: every draft, photo and outbox item goes,
// and every meta record but the shared ones (the account's phone number
// among them), all in one transaction, so nothing is left half erased.
export async function forgetCitizen() {
  const d = await db();
  const transaction = d.transaction(['drafts', 'photos', 'outbox', 'meta'], 'readwrite');
  const done = new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onabort = transaction.onerror = () => reject(transaction.error);
  });
  for (const store of ['drafts', 'photos', 'outbox']) transaction.objectStore(store).clear();
  const meta = transaction.objectStore('meta');
  const keys = meta.getAllKeys();
  keys.onsuccess = () => {
    for (const key of keys.result) if (!SHARED_META.includes(key)) meta.delete(key);
  };
  await done;
}
