// Submissions waiting to be sent: "Chờ gửi" -> "Đang gửi" -> "Đã gửi".
// Runs in the page (on open and when the network returns) and in the
// service worker (Background Sync, where the browser has it). The same
// idempotency key is used for every try, so however many retries happen the
// server makes one dossier. A citizen with a passkey confirms with it on the
// page (the browser asks for the fingerprint there, never in the worker);
// the others get an SMS code.
import { api, newId } from './api.js';
import { asSoleSender } from './sole-sender.js';
import { all, byDraft, get, put, remove, update } from './store.js';
import { syncDraft } from './sync.js';

export const LABELS = {
  waiting: 'Chờ gửi',
  sending: 'Đang gửi',
  need_code: 'Chờ nhập mã xác nhận',
  error: 'Cần sửa',
  sent: 'Đã gửi',
};

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('outbox') : null;
export const events = new EventTarget();
if (channel) channel.onmessage = () => events.dispatchEvent(new Event('change'));

async function setItem(draftId, change) {
  const item = await update('outbox', draftId, (i) => (i ? { ...i, ...change, updated: Date.now() } : undefined));
  events.dispatchEvent(new Event('change'));
  if (channel) channel.postMessage('change');
  return item;
}

export async function enqueue(draftId, { code = '', assertion = null, title = '' } = {}) {
  const existing = await get('outbox', draftId);
  const item = {
    draft_id: draftId,
    title: title || (existing && existing.title) || 'Hồ sơ',
    idempotency_key: (existing && existing.idempotency_key) || newId(),
    code,
    assertion,
    via: existing && existing.via,
    state: 'waiting',
    message: '',
    created: (existing && existing.created) || Date.now(),
    updated: Date.now(),
  };
  await put('outbox', item);
  events.dispatchEvent(new Event('change'));
  if (channel) channel.postMessage('change');
  askForBackgroundSync(); // never waited for: a page without a worker must not stall here
  return item;
}

async function askForBackgroundSync() {
  try {
    // getRegistration() answers at once; .ready would wait forever without a worker.
    const registration = await navigator.serviceWorker?.getRegistration();
    if (registration && registration.sync) await registration.sync.register('outbox');
  } catch {
    // No Background Sync (iOS, Firefox): page open and 'online' cover it.
  }
}

async function usesPasskey() {
  const account = await get('meta', 'account');
  return !!(account && account.passkey);
}

export const pending = async () => (await all('outbox')).filter((i) => i.state !== 'sent');

async function sendOne(item) {
  await setItem(item.draft_id, { state: 'sending', message: '' });
  const draft = await syncDraft(item.draft_id);
  if (!draft) return setItem(item.draft_id, { state: 'error', message: 'Không còn bản nháp trên máy.' });
  const photos = (await byDraft(item.draft_id)).filter((p) => !p.deleted);
  const broken = photos.filter((p) => p.error);
  if (broken.length) {
    return setItem(item.draft_id, {
      state: 'error',
      message: `Có ${broken.length} ảnh bị máy chủ từ chối: ${broken[0].error} Hãy mở hồ sơ, xóa và chụp lại ảnh đó.`,
    });
  }
  if (!item.code && !item.assertion) {
    if (item.via !== 'sms' && (await usesPasskey())) {
      // No SMS: the citizen confirms with the passkey when they open the app.
      return setItem(item.draft_id, {
        state: 'need_code', via: 'passkey',
        message: 'Hồ sơ đã sẵn sàng. Hãy xác nhận bằng khóa đăng nhập để nộp.',
      });
    }
    if (!item.code_sent_at || Date.now() - item.code_sent_at > 5 * 60 * 1000) {
      const sent = await api('POST', `/drafts/${item.draft_id}/confirmation-code`);
      return setItem(item.draft_id, {
        state: 'need_code', code_sent_at: Date.now(), sent_to: sent.sent_to,
        // "sending": the SMS is still on its way to the gateway, never "đã gửi" then.
        message: sent.sending
          ? `Đang gửi mã xác nhận đến số ${sent.sent_to}… Tin nhắn thường đến trong vài giây; nhập mã để hoàn tất nộp hồ sơ.`
          : `Đã gửi mã xác nhận đến số ${sent.sent_to}. Nhập mã để hoàn tất nộp hồ sơ.`,
      });
    }
    return setItem(item.draft_id, { state: 'need_code' });
  }
  const confirmation = item.assertion
    ? { passkey_assertion: item.assertion } : { confirmation_code: item.code };
  const result = await api('POST', '/dossiers', {
    draft_id: item.draft_id,
    idempotency_key: item.idempotency_key,
    ...confirmation,
    photos: photos.map((p) => p.client_id),
    answers: draft.answers,
    edited_at: draft.edited_at,
  });
  await setItem(item.draft_id, {
    state: 'sent', code: '', assertion: null, dossier_code: result.code, url: result.url,
    message: '', attempts: 0, next_try_at: 0,
  });
  // The server holds it all now: free the phone's storage.
  for (const photo of photos) await remove('photos', photo.client_id);
  await remove('drafts', item.draft_id);
  return get('outbox', item.draft_id);
}

// Tries after a failed send, while a page is open: 5 s, 10 s, 20 s … up to
// 5 minutes, each cut by up to half at random so that phones that lost the
// network together (a cell tower's outage) do not all come back at once.
export function retryDelay(attempts) {
  const ceiling = Math.min(5 * 60 * 1000, 5000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

async function retryLater(item, message) {
  const attempts = ((await get('outbox', item.draft_id))?.attempts || 0) + 1;
  return setItem(item.draft_id, {
    state: 'waiting', message, attempts, next_try_at: Date.now() + retryDelay(attempts),
  });
}

async function handleFailure(item, e) {
  if (e.offline) {
    return retryLater(item, e.timedOut
      ? 'Mạng chậm quá nên chưa gửi được.' : 'Chưa kết nối được máy chủ nên chưa gửi được.');
  }
  if (e.code === 'code_too_soon') {
    // Another tab or the worker asked a moment ago: that code is on its way.
    return setItem(item.draft_id, {
      state: 'need_code', code_sent_at: Date.now(),
      message: 'Mã xác nhận đã được gửi qua tin nhắn. Nhập mã để hoàn tất nộp hồ sơ.',
    });
  }
  if (e.code && e.code.startsWith('code_')) {
    return setItem(item.draft_id, { state: 'need_code', code: '', message: e.message });
  }
  if (e.code && e.code.startsWith('passkey_')) {
    return setItem(item.draft_id, {
      state: 'need_code', via: 'passkey', assertion: null, message: e.message,
    });
  }
  if (e.code === 'missing_photos') return retryLater(item, e.message);
  return setItem(item.draft_id, { state: 'error', message: e.message });
}

let running = null;
let again = false;
let retryTimer = null;

// `dueOnly`: the retry timer's run, which leaves alone an item another
// context has just tried (its next try is not due yet).
async function runOnce(dueOnly) {
  for (const item of await pending()) {
    // Waits for the citizen: a code to type, or a passkey to touch.
    if (item.state === 'need_code' && !item.code && !item.assertion) continue;
    if (dueOnly && item.state === 'waiting' && (item.next_try_at || 0) > Date.now()) continue;
    try {
      await sendOne(item);
    } catch (e) {
      await handleFailure(item, e);
      if (e.offline) break;
    }
  }
}

// One timer per page (or worker) for the soonest retry that is due.
async function scheduleRetry() {
  clearTimeout(retryTimer);
  const times = (await pending())
    .filter((i) => i.state === 'waiting' && i.next_try_at)
    .map((i) => i.next_try_at);
  if (!times.length) return;
  const wait = Math.max(0, Math.min(...times) - Date.now());
  retryTimer = setTimeout(() => processOutbox({ dueOnly: true }).catch(() => {}), wait);
}

// Sends everything waiting, once no other context is sending (a page and
// the worker never work through the outbox together); a call made while a
// run is going makes it run once more at the end, so nothing queued
// meanwhile waits for the next event. `signal` gives up waiting for the turn.
export function processOutbox({ dueOnly = false, signal } = {}) {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      await asSoleSender(async () => {
        let onlyDue = dueOnly;
        do {
          again = false;
          await runOnce(onlyDue);
          onlyDue = false;
        } while (again);
      }, { signal });
      return all('outbox');
    } finally {
      running = null;
      scheduleRetry().catch(() => {});
    }
  })();
  return running;
}

// "Gửi lại ngay": the citizen does not wait for the timer.
export async function sendNow(draftId) {
  await setItem(draftId, { next_try_at: 0 });
  return processOutbox();
}

export async function provideCode(draftId, code) {
  await setItem(draftId, { code, state: 'waiting', message: '' });
  return processOutbox();
}

export async function provideAssertion(draftId, assertion) {
  await setItem(draftId, { assertion, code: '', state: 'waiting', message: '' });
  return processOutbox();
}

// Also the way from a passkey to an SMS code (a lost phone, a refused key).
export async function resendCode(draftId) {
  await setItem(draftId, {
    via: 'sms', assertion: null, code: '', code_sent_at: 0, state: 'waiting',
  });
  return processOutbox();
}

export const forget = (draftId) => remove('outbox', draftId);
