// What is kept on this phone: drafts being filled in, and the outbox with
// each submission's state. Shown on "Hồ sơ của tôi", the offline page and
// the wizard's last step.
import { add, clock, el } from './dom.js';
import {
  events, LABELS, processOutbox, provideAssertion, provideCode, resendCode, sendNow,
} from './outbox.js';
import { confirmSubmission, problemText } from './passkeys.js';
import { all, byDraft, remove } from './store.js';

// The outbox item waits for the citizen's passkey: no SMS is sent for it.
function passkeyForm(item) {
  const problem = el('p', { class: 'error', role: 'alert', hidden: true });
  const button = el('button', { class: 'button', type: 'button' }, 'Xác nhận bằng khóa đăng nhập');
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    button.disabled = true;
    problem.hidden = true;
    try {
      await provideAssertion(item.draft_id, await confirmSubmission(item.draft_id));
    } catch (e) {
      if (e.code === 'no_passkey') return resendCode(item.draft_id); // removed meanwhile
      const text = problemText(e);
      if (text) {
        problem.textContent = text;
        problem.hidden = false;
      }
      button.disabled = false;
    }
    return null;
  });
  return el('div', { class: 'field' },
    navigator.onLine ? null : el('p', { class: 'hint' }, 'Cần có mạng để xác nhận.'),
    problem, button,
    el('button', {
      class: 'link-button', type: 'button', onclick: () => resendCode(item.draft_id),
    }, 'Dùng mã SMS thay thế'));
}

// When it will try again, and the way not to wait for that.
function waitingHints(item) {
  const retrying = item.next_try_at > Date.now();
  const hint = el('p', { class: 'hint' }, !navigator.onLine
    ? 'Sẽ tự gửi khi điện thoại có mạng trở lại. Bạn có thể đóng ứng dụng.'
    : retrying
      ? `Sẽ tự thử gửi lại lúc ${clock(item.next_try_at)}. Thông tin và ảnh vẫn được lưu trên điện thoại.`
      : 'Đang chờ gửi lên máy chủ.');
  if (!retrying) return [hint];
  const now = el('button', { class: 'button secondary', type: 'button' }, 'Gửi lại ngay');
  now.addEventListener('click', () => {
    now.disabled = true; // the redraw for 'Đang gửi' brings a fresh item
    sendNow(item.draft_id).catch(() => {});
  });
  return [hint, now];
}

const label = (item) => (item.state === 'need_code' && item.via === 'passkey'
  ? 'Chờ xác nhận' : LABELS[item.state] || item.state);

function outboxItem(item) {
  const box = el('li', { class: 'outbox-item', 'data-state': item.state, 'data-draft': item.draft_id },
    el('strong', {}, item.title), ' ', el('span', { class: 'tag' }, label(item)));
  if (item.message) add(box, el('p', { class: item.state === 'error' ? 'error' : 'hint' }, item.message));
  if (item.state === 'waiting') add(box, ...waitingHints(item));
  if (item.state === 'need_code' && item.via === 'passkey') add(box, passkeyForm(item));
  else if (item.state === 'need_code') {
    const id = 'code-' + item.draft_id;
    const input = el('input', {
      id, class: 'input-code', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: '12',
    });
    const form = el('form', { class: 'field', novalidate: true },
      el('label', { for: id }, 'Mã xác nhận (6 chữ số)'), input,
      el('button', { class: 'button', type: 'submit' }, 'Nộp hồ sơ'),
      el('button', {
        class: 'link-button', type: 'button', onclick: () => resendCode(item.draft_id),
      }, 'Gửi lại mã'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      provideCode(item.draft_id, input.value);
    });
    add(box, form);
  }
  if (item.state === 'error') {
    add(box, el('a', { href: `/ho-so/nhap/${item.draft_id}#kiem-tra` }, 'Mở hồ sơ để sửa'));
  }
  if (item.state === 'sent') {
    add(box, el('p', {}, 'Mã hồ sơ: ', el('strong', { class: 'outbox-code' }, item.dossier_code)),
      el('a', { href: item.url }, 'Xem hồ sơ'));
  }
  return box;
}

export async function renderDevice(container, { only } = {}) {
  const [outbox, drafts] = await Promise.all([all('outbox'), all('drafts')]);
  const queued = new Set(outbox.map((i) => i.draft_id));
  const items = outbox
    .filter((i) => !only || i.draft_id === only)
    .sort((a, b) => b.created - a.created);
  // Drafts the server already lists on this page are not listed twice.
  const listed = (id) => !!document.querySelector(`[data-server-draft="${CSS.escape(id)}"]`);
  const open = drafts.filter((d) => !queued.has(d.id) && !d.submitted && !only && !listed(d.id));
  hideQueuedDrafts(outbox);
  // Every worker or tab announces every change; redrawing for nothing would
  // close the phone's keyboard and wipe a code being typed. So nothing is
  // touched when nothing shown changed, and an item that did not change
  // keeps its node (and what is typed in it) when another one did.
  const signatureOf = (i) =>
    JSON.stringify([i.state, i.message, i.via, i.dossier_code, i.next_try_at || 0]);
  const whole = JSON.stringify([
    items.map((i) => [i.draft_id, signatureOf(i)]),
    open.map((d) => [d.id, d.title]),
  ]);
  if (container.drawn === whole) return;
  container.drawn = whole;
  const previous = container.outboxNodes || new Map();
  container.outboxNodes = new Map();
  const nodeFor = (item) => {
    const signature = signatureOf(item);
    const kept = previous.get(item.draft_id);
    const node = kept && kept.signature === signature ? kept.node : outboxItem(item);
    if (kept && node !== kept.node) carryTyping(kept.node, node);
    container.outboxNodes.set(item.draft_id, { signature, node });
    return node;
  };
  container.replaceChildren();
  if (items.length) {
    add(container, el('h2', {}, 'Hộp thư đi'), el('ul', { class: 'outbox' }, items.map(nodeFor)));
  }
  if (open.length) {
    add(container, el('h2', {}, 'Đang khai trên điện thoại này'), el('ul', { class: 'results' },
      open.map((d) => el('li', {}, el('a', { href: `/ho-so/nhap/${d.id}` },
        `${d.title || 'Hồ sơ'}: ${personOf(d)}`, el('span', {}, 'Tiếp tục khai'))))));
  }
}

// Whose dossier a draft is, as services/dossiers/open_drafts.py says it.
function personOf(d) {
  const a = d.answers || {};
  const [word, parts] = d.group_id === 'khai-sinh'
    ? ['Trẻ', ['tre.ho', 'tre.chu_dem', 'tre.ten']] : ['Người mất', ['nguoi-mat.ho_ten']];
  const name = parts.map((k) => (a[k] || '').trim()).filter(Boolean).join(' ');
  return `${word}: ${name || 'chưa khai tên'}`;
}

// A draft deleted on the server goes from this phone too, photos included:
// left here, the next sync would put it back.
async function forgetDeleted() {
  const node = document.querySelector('[data-deleted-draft]');
  if (!node) return;
  const id = node.dataset.deletedDraft;
  for (const photo of await byDraft(id)) await remove('photos', photo.client_id);
  await remove('drafts', id);
}

for (const form of document.querySelectorAll('form[data-delete-draft]')) {
  form.addEventListener('submit', (event) => {
    const what = form.closest('li')?.querySelector('a')?.firstChild?.textContent || 'hồ sơ này';
    if (!window.confirm(`Xóa ${what}? Thông tin và ảnh đã khai sẽ mất, không lấy lại được.`)) {
      event.preventDefault();
    }
  });
}

// A redrawn item keeps what was being typed in it, and the focus.
function carryTyping(from, to) {
  const old = from.querySelector('input');
  const fresh = to.querySelector('input');
  if (!old || !fresh || !old.value) return;
  fresh.value = old.value;
  if (document.activeElement === old) queueMicrotask(() => fresh.focus());
}

// A draft waiting in the outbox is not "being filled in" any more: hide it
// from the server's list on the same page.
function hideQueuedDrafts(outbox) {
  for (const item of outbox) {
    const row = document.querySelector(`[data-server-draft="${CSS.escape(item.draft_id)}"]`);
    if (row) row.hidden = true;
  }
}

export function watchDevice(container, options) {
  const draw = () => renderDevice(container, options).catch(() => {});
  events.addEventListener('change', draw);
  window.addEventListener('online', draw);
  window.addEventListener('offline', draw);
  draw();
  return draw;
}

const forgotten = forgetDeleted().catch(() => {});
for (const node of document.querySelectorAll('[data-device]')) {
  forgotten.then(() => watchDevice(node));
  if (navigator.onLine) processOutbox().catch(() => {});
}
