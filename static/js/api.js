// The JSON API client, for pages and the service worker alike: CSRF header,
// JSON bodies, errors as Vietnamese messages, offline told apart.
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

  get offline() {
    return this.status === 0;
  }
}

export const OFFLINE_MESSAGE =
  'Không kết nối được máy chủ. Thông tin bạn nhập vẫn được lưu trên điện thoại; ' +
  'hãy kiểm tra mạng rồi thử lại.';

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
  let response;
  try {
    response = await fetch('/api/v1' + path, options);
  } catch {
    throw new ApiError(0, 'offline', OFFLINE_MESSAGE);
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok) return data;
  const error = (data && data.error) || {};
  if (!data && response.status >= 500) {
    // A proxy's error page or a cut connection, not our API: treat as offline.
    throw new ApiError(0, 'offline', OFFLINE_MESSAGE);
  }
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
