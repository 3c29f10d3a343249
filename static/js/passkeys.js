// Passkeys in the browser (WebAuthn). The server's options arrive as JSON
// with binary fields in base64url; the browser's answer goes back the same
// way. No library and no build: only what the pages here need.
import { api } from './api.js';

export function toBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export function toText(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export const supported = () =>
  typeof window !== 'undefined' && !!window.PublicKeyCredential && !!navigator.credentials;

// A fingerprint, face or screen-lock key built into this phone or computer.
export async function builtInAvailable() {
  if (!supported()) return false;
  try {
    return await PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable();
  } catch {
    return false;
  }
}

// Passkeys offered in the browser's autofill list ("conditional UI").
export async function autofillAvailable() {
  if (!supported() || !PublicKeyCredential.isConditionalMediationAvailable) return false;
  try {
    return await PublicKeyCredential.isConditionalMediationAvailable();
  } catch {
    return false;
  }
}

const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

function answer(credential) {
  const r = credential.response;
  const json = {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || null,
    clientExtensionResults: credential.getClientExtensionResults
      ? credential.getClientExtensionResults() : {},
    response: { clientDataJSON: toText(r.clientDataJSON) },
  };
  if (r.attestationObject) {
    json.response.attestationObject = toText(r.attestationObject);
    json.response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    json.response.authenticatorData = toText(r.authenticatorData);
    json.response.signature = toText(r.signature);
    json.response.userHandle = r.userHandle && r.userHandle.byteLength ? toText(r.userHandle) : null;
  }
  return json;
}

// navigator.credentials.create() with the server's options; the answer as JSON.
export async function create(options) {
  const publicKey = {
    ...options,
    challenge: toBytes(options.challenge),
    user: { ...options.user, id: toBytes(options.user.id) },
    excludeCredentials: descriptors(options.excludeCredentials),
  };
  return answer(await navigator.credentials.create({ publicKey }));
}

// navigator.credentials.get(); mediation 'conditional' waits in the autofill list.
export async function get(options, { mediation, signal } = {}) {
  const publicKey = {
    ...options,
    challenge: toBytes(options.challenge),
    allowCredentials: descriptors(options.allowCredentials),
  };
  const request = { publicKey };
  if (mediation) request.mediation = mediation;
  if (signal) request.signal = signal;
  return answer(await navigator.credentials.get(request));
}

// What to tell the person when the browser or the server said no; null when
// there is nothing to say (the request was cancelled by the page itself).
// Officers have no SMS code to fall back on: { sms: false }.
export function problemText(error, { sms = true } = {}) {
  if (error && typeof error.status === 'number') return error.message; // from the server
  const orSms = sms ? ', hoặc dùng mã SMS' : '';
  switch (error && error.name) {
    case 'AbortError':
      return null;
    case 'NotAllowedError':
      return 'Chưa xác nhận được: bạn đã hủy hoặc đã hết thời gian. Hãy bấm lại để thử.';
    case 'InvalidStateError':
      return 'Thiết bị này đã có khóa đăng nhập của tài khoản bạn rồi.';
    case 'SecurityError':
      return `Địa chỉ trang này chưa dùng được khóa đăng nhập. Hãy mở đúng địa chỉ dịch vụ${orSms}.`;
    case 'NotSupportedError':
      return `Thiết bị hoặc trình duyệt này chưa dùng được khóa đăng nhập. Hãy dùng thiết bị khác${orSms}.`;
    default:
      return `Chưa dùng được khóa đăng nhập. Hãy thử lại${orSms}.`;
  }
}

// A name the citizen will recognise in the list of their passkeys.
export function defaultName() {
  const ua = navigator.userAgent;
  if (/iPhone/.test(ua)) return 'iPhone';
  if (/iPad/.test(ua)) return 'iPad';
  if (/Android/.test(ua)) return /Mobile/.test(ua) ? 'Điện thoại Android' : 'Máy tính bảng Android';
  if (/Macintosh/.test(ua)) return 'Máy Mac';
  if (/Windows/.test(ua)) return 'Máy tính Windows';
  return 'Thiết bị này';
}

// The passkey answer that confirms submitting one draft (instead of an SMS
// code): the server's challenge is good for this draft only, for a few minutes.
export async function confirmSubmission(draftId) {
  const options = await api('POST', `/drafts/${draftId}/passkey-challenge`);
  return get(options);
}
