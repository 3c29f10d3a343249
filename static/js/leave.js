// Leaving a shared phone. Signing out erases what this phone keeps of the
// citizen: drafts, photos, the outbox and the account record (the catalog
// and the communes stay, they are everyone's). When some of it is not sent
// yet, the citizen is warned first, in the page: window.confirm() may be
// suppressed by in-app browsers such as Zalo's. Whatever fails here, the
// form is still sent, and the server's answer clears the HTTP cache too.
// Without JavaScript the form simply signs out.
import { within } from './api.js';
import { el } from './dom.js';
import { all, forgetCitizen } from './store.js';

// A phone whose storage hangs must not keep the citizen signed in.
const PATIENCE_MS = 4000;

const typed = (draft) => Object.values(draft.answers || {}).some((v) => v !== '' && v != null);

// What signing out would erase that the citizen may still want.
export async function whatIsWaiting() {
  const [outbox, drafts, photos] = await Promise.all([all('outbox'), all('drafts'), all('photos')]);
  const queued = new Set(outbox.map((i) => i.draft_id));
  const kept = photos.filter((p) => !p.deleted);
  const withPhotos = new Set(kept.map((p) => p.draft_id));
  // A draft only opened, with nothing typed or photographed, loses nothing.
  const filling = drafts.filter(
    (d) => !queued.has(d.id) && !d.submitted && (typed(d) || withPhotos.has(d.id)));
  return {
    waiting: outbox.filter((i) => i.state !== 'sent').length,
    drafts: filling.length,
    onServer: filling.some((d) => d.on_server),
    photos: kept.filter((p) => !p.upload_id && !p.url).length,
  };
}

const anything = (found) => found.waiting > 0 || found.drafts > 0 || found.photos > 0;

async function dropCaches() {
  if (!('caches' in window)) return;
  // shell-… caches hold the app itself (pages with nothing personal in them).
  for (const name of await caches.keys()) {
    if (!name.startsWith('shell-')) await caches.delete(name);
  }
}

// Each step on its own: one failing (or hanging) must not stop the others.
export async function forgetThisPhone() {
  try {
    navigator.serviceWorker?.controller?.postMessage('forget-citizen');
  } catch {
    // no worker: nothing kept in its memory
  }
  await Promise.allSettled([within(forgetCitizen(), PATIENCE_MS), within(dropCaches(), PATIENCE_MS)]);
}

function warning(found, { stay, leave }) {
  const lines = [];
  if (found.waiting) lines.push(`${found.waiting} hồ sơ đang chờ gửi, chưa được nộp`);
  if (found.drafts) lines.push(`${found.drafts} hồ sơ đang khai dở`);
  if (found.photos) lines.push(`${found.photos} ảnh giấy tờ chưa gửi lên`);
  const heading = el('h2', { id: 'leave-title', tabindex: '-1' },
    'Điện thoại này còn hồ sơ chưa gửi xong');
  const stayButton = el('button', { class: 'button', type: 'button' }, 'Ở lại');
  const leaveButton = el('button', { class: 'button warning', type: 'button' },
    'Vẫn đăng xuất và xóa khỏi máy này');
  const dialog = el('dialog', {
    class: 'leave-warning', role: 'alertdialog',
    'aria-labelledby': 'leave-title', 'aria-describedby': 'leave-what',
  },
  heading,
  el('div', { id: 'leave-what' },
    el('p', {}, 'Trên điện thoại này còn:'),
    el('ul', {}, lines.map((line) => el('li', {}, line))),
    el('p', {}, 'Nếu đăng xuất bây giờ, những hồ sơ và ảnh này sẽ bị xóa khỏi điện thoại này. ' +
      'Những gì chưa gửi lên máy chủ sẽ mất.' +
      (found.waiting ? ' Hồ sơ chờ gửi sẽ không được nộp.' : '')),
    found.onServer
      ? el('p', {}, 'Phần đã lưu lên máy chủ của hồ sơ khai dở vẫn còn khi bạn đăng nhập lại.')
      : null,
    el('p', {}, 'Muốn giữ lại, hãy chọn “Ở lại”, bật mạng và chờ gửi xong rồi mới đăng xuất.')),
  stayButton, leaveButton);
  stayButton.addEventListener('click', () => stay());
  leaveButton.addEventListener('click', () => leave(leaveButton));
  // Escape, or the phone's back gesture on a modal dialog: the same as "Ở lại".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    stay();
  });
  return { dialog, heading };
}

function watch(form) {
  const button = form.querySelector('button[type="submit"], button:not([type])');
  let state = 'idle'; // 'checking' -> 'warning' -> 'leaving'
  let shown = null;

  function close() {
    if (!shown) return;
    if (shown.dialog.open && shown.dialog.close) shown.dialog.close();
    shown.dialog.remove();
    shown = null;
  }

  function stay() {
    if (state !== 'warning') return;
    close();
    state = 'idle';
    button?.focus();
  }

  async function leave(pressed) {
    if (state === 'leaving') return;
    state = 'leaving';
    if (pressed) pressed.disabled = true;
    if (button) button.disabled = true;
    await forgetThisPhone();
    close();
    // The element's own submit(): sends the form without this handler again.
    HTMLFormElement.prototype.submit.call(form);
  }

  function show(found) {
    state = 'warning';
    shown = warning(found, { stay, leave });
    form.after(shown.dialog);
    if (typeof shown.dialog.showModal === 'function') shown.dialog.showModal();
    else shown.dialog.setAttribute('open', ''); // no <dialog>: an in-page region
    shown.heading.focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (state === 'warning') {
      shown.heading.focus();
      return;
    }
    if (state !== 'idle') return; // a second tap while the first is handled
    state = 'checking';
    let found = null;
    try {
      found = await within(whatIsWaiting(), PATIENCE_MS);
    } catch {
      // Unreadable storage: nothing can be shown, and signing out still must work.
    }
    if (found && anything(found)) show(found);
    else leave(null);
  });

  // Back to this page from the browser's history after signing out.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    close();
    state = 'idle';
    if (button) button.disabled = false;
  });
}

for (const form of document.querySelectorAll('form[data-sign-out]')) {
  watch(form);
  form.dataset.watched = '1';
  // Tapped before this script listened (hold-sign-out.js kept it): handled now.
  if (form.dataset.held) {
    delete form.dataset.held;
    form.dispatchEvent(new Event('submit', { cancelable: true }));
  }
}
