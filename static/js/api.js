// The JSON API client, for pages and the service worker alike: CSRF header,
// JSON bodies, errors as Vietnamese messages, offline told apart, and a
// deadline on every request: on rural 3G a request can neither answer nor
// fail ("lie-fi"), and a phone that waits on it for ever loses the citizen.
// A request past its deadline is treated as offline: the answers stay on the
// phone and the outbox tries again. Retrying is safe: the server merges
// answers by edit time, knows a photo by its client id and a submission by
// its idempotency key.
let csrfToken = '';

export function setCsrf(token) {
  csrfToken = token || '';
}

export class ApiError extends Error {
  constructor(status, code, message, fields, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
    Object.assign(this, extra);
  }

  // 503 is "try again": a database restarting, a busy photo decoder. The
  // phone treats it as offline (the work stays on it and is sent again),
  // with the server's own words for what is going on.
  get offline() {
    return this.status === 0 || this.status === 503;
  }
}

export const OFFLINE_MESSAGE =
  'Không kết nối được máy chủ. Thông tin bạn nhập vẫn được lưu trên điện thoại; ' +
  'hãy kiểm tra mạng rồi thử lại.';
export const SLOW_MESSAGE =
  'Mạng chậm quá nên máy chủ chưa trả lời kịp. Thông tin bạn nhập vẫn được lưu trên ' +
  'điện thoại; ứng dụng sẽ tự thử lại.';

// A JSON call answers in well under a second on a working 3G link (400 ms
// of latency, a few kB): eight seconds means the link is not working.
export const JSON_DEADLINE_MS = 8000;
// An upload also gets the time its bytes take at 64 kbit/s, below what a
// weak 3G link still carries: a 350 kB photo gets about 52 s.
const SLOW_LINK_BYTES_PER_SECOND = 8000;

function bodyBytes(body) {
  if (!(body instanceof FormData)) return 0;
  let bytes = 0;
  for (const [, value] of body.entries()) bytes += typeof value === 'string' ? value.length : value.size;
  return bytes;
}

export function deadlineFor(body) {
  return JSON_DEADLINE_MS + Math.ceil((bodyBytes(body) / SLOW_LINK_BYTES_PER_SECOND) * 1000);
}

// Resolves to what `promise` gives within `ms`, else to `late` (the promise
// goes on, and its failure is not left unhandled). For the pages, the
// service worker and every wait on the network or the phone's storage.
export function within(promise, ms, late = null) {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, ms, late);
  });
  promise.catch(() => {});
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const TIMED_OUT = Symbol('timed out');

// fetch() and the reading of its body, both within `ms`. Resolves to
// { response, data } (data: parsed JSON or null); throws an offline
// ApiError when the network fails or the deadline passes.
export async function fetchWithin(url, options, ms) {
  const controller = typeof AbortController === 'function' ? new AbortController() : null;
  const work = (async () => {
    let response;
    try {
      response = await fetch(url, controller ? { ...options, signal: controller.signal } : options);
    } catch {
      throw new ApiError(0, 'offline', OFFLINE_MESSAGE);
    }
    let data = null;
    if (response.status !== 204) {
      try {
        data = await response.json();
      } catch {
        data = null; // not JSON, or the body was cut: told apart by the caller
      }
    }
    return { response, data };
  })();
  // The race, not only the abort, ends the wait: a browser without
  // AbortController, or one whose abort does not reach a stuck body.
  const result = await within(work, ms, TIMED_OUT);
  if (result !== TIMED_OUT) return result;
  if (controller) controller.abort();
  throw new ApiError(0, 'offline', SLOW_MESSAGE, null, { timedOut: true });
}

export async function refreshCsrf() {
  const token = await api('GET', '/csrf-token');
  csrfToken = token.token;
  return csrfToken;
}

export async function api(method, path, body, { retryCsrf = true } = {}) {
  if (method !== 'GET' && !csrfToken) await refreshCsrf();
  const headers = { Accept: 'application/json' };
  const options = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET') headers['X-CSRFToken'] = csrfToken;
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const { response, data } = await fetchWithin('/api/v1' + path, options, deadlineFor(body));
  if (response.status === 204) return null;
  if (!data && (response.ok || response.status >= 500)) {
    // Every answer of ours is JSON: without it, the body was cut on the way
    // or a proxy answered in our place. Either way the network failed.
    throw new ApiError(0, 'offline', OFFLINE_MESSAGE);
  }
  if (response.ok) return data;
  const error = (data && data.error) || {};
  if (error.code === 'csrf' && retryCsrf) {
    // A token that aged out while the phone slept or the dossier waited in
    // the outbox: get a new one and replay once.
    await refreshCsrf();
    return api(method, path, body, { retryCsrf: false });
  }
  throw new ApiError(
    response.status,
    error.code || 'http_' + response.status,
    error.message || 'Có lỗi xảy ra. Hãy thử lại.',
    error.fields,
    { missing: error.missing },
  );
}

export function newId() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
