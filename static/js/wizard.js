// The citizen wizard: one thing per page, autosaved to the server draft.
// Steps live in the URL hash so the browser's Back button walks them.
import { api, ApiError, newId } from './api.js';
import { add, el, errorSummary } from './dom.js';
import { fieldId, optionsOf, readFields, renderField } from './fields.js';
import { photoPage } from './photos.js';

const root = document.getElementById('wizard');
const RETURN = '~kt'; // suffix: go back to the check page after a change
let catalog, rules, draft;
const communeLabels = {};
const dirty = {}; // key -> [value, device time] not yet confirmed saved

const localToday = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const group = () => catalog.groups.find((g) => g.id === draft.group_id);
const showDate = (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v.split('-').reverse().join('/') : v);

function steps() {
  const list = ['thu-tuc'];
  const procedures = draft.procedure_ids;
  if (rules.checkSelection(catalog, draft.group_id, procedures)) return list;
  for (const id of rules.sectionsFor(catalog, draft.group_id, procedures)) {
    // A page whose every field is hidden by earlier answers is skipped.
    if (rules.visibleFields(catalog, id, draft.answers).length) list.push('s/' + id);
  }
  for (const a of rules.attachmentsFor(catalog, draft.group_id, procedures, draft.answers)) {
    list.push('a/' + a.id);
  }
  list.push('kiem-tra', 'xac-nhan');
  return list;
}

const saved = el('p', { class: 'saved', role: 'status' });

const pendingMeta = {}; // procedure_ids / step not yet confirmed saved
let saving = null;

// Sends every unsaved answer and setting. Pages never wait for it: the
// citizen moves on at once and whatever did not reach the server is sent
// again with the next save.
function save(extra = {}) {
  Object.assign(pendingMeta, extra);
  if (saving) {
    saving = saving.then(() => flush());
    return saving;
  }
  saving = flush().finally(() => { saving = null; });
  return saving;
}

async function flush() {
  const keys = Object.keys(dirty);
  const body = { ...pendingMeta };
  const sentMeta = { ...pendingMeta };
  if (keys.length) {
    body.answers = Object.fromEntries(keys.map((k) => [k, dirty[k][0]]));
    body.edited_at = Object.fromEntries(keys.map((k) => [k, dirty[k][1]]));
  }
  if (!Object.keys(body).length) return true;
  try {
    await api('PATCH', `/drafts/${draft.id}`, body);
    for (const k of keys) if (dirty[k] && dirty[k][1] === body.edited_at[k]) delete dirty[k];
    for (const [k, v] of Object.entries(sentMeta)) if (pendingMeta[k] === v) delete pendingMeta[k];
    saved.textContent = 'Đã lưu lúc ' + new Date().toLocaleTimeString('vi-VN');
    return true;
  } catch (e) {
    saved.textContent = e instanceof ApiError && e.status === 0
      ? 'Chưa lưu được lên máy chủ (mất mạng). Hãy giữ trang này mở; sẽ lưu lại khi có mạng.'
      : e.message;
    return false;
  }
}

function setAnswers(values) {
  const now = Date.now();
  for (const [key, value] of Object.entries(values)) {
    if ((draft.answers[key] || '') === value) continue;
    draft.answers[key] = value;
    dirty[key] = [value, now];
  }
}

function go(step) {
  location.hash = step;
}

function frame(step, title, body, { wide = false } = {}) {
  const list = steps();
  const index = list.indexOf(step.replace(RETURN, ''));
  const back = step.endsWith(RETURN)
    ? '#kiem-tra'
    : index > 0 ? '#' + list[index - 1] : `/x/${draft.commune.code}`;
  const heading = el('h1', { tabindex: '-1' }, title);
  root.replaceChildren();
  add(
    root,
    el('a', { class: 'back', href: back }, 'Quay lại'),
    index >= 0 && !wide ? el('p', { class: 'step' }, `Bước ${index + 1}/${list.length}`) : null,
    heading,
    body,
    saved,
  );
  window.scrollTo(0, 0);
  heading.focus();
}

function nextOf(step) {
  if (step.endsWith(RETURN)) return 'kiem-tra';
  const list = steps();
  return list[list.indexOf(step) + 1] || 'kiem-tra';
}

function proceduresPage(step, problem) {
  const g = group();
  const form = el('form', { novalidate: true });
  const options = g.procedures.map((pid) => {
    const p = catalog.procedures[pid];
    const required = g.required.includes(pid);
    return el('label', { class: 'option choice' },
      el('input', {
        type: 'checkbox', name: 'thu-tuc', value: pid, id: 'p-' + pid,
        checked: required || draft.procedure_ids.includes(pid), disabled: required,
      }),
      el('span', {}, el('strong', {}, p.title),
        `${catalog.agencies[p.agency].name}. ${p.processing.text} ${p.fee.text}`,
        required ? ' (bắt buộc trong nhóm này)' : ''));
  });
  add(
    form,
    el('p', {}, g.description),
    problem && el('p', { class: 'error', role: 'alert' }, problem),
    el('fieldset', {}, el('legend', { class: 'hint' }, 'Chọn các thủ tục cần làm cùng lúc'), options),
    el('button', { class: 'button', type: 'submit' }, 'Tiếp tục'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = g.procedures.filter(
      (pid) => g.required.includes(pid) || form.querySelector('#p-' + pid).checked,
    );
    const error = rules.checkSelection(catalog, draft.group_id, chosen);
    if (error) return proceduresPage(step, error);
    draft.procedure_ids = chosen;
    save({ procedure_ids: chosen, step: nextOf(step) });
    go(nextOf(step));
  });
  frame(step, 'Bạn cần làm những thủ tục nào?', form);
}

function sectionPage(step, sectionId, errors = {}) {
  const section = catalog.sections[sectionId];
  const form = el('form', { novalidate: true });
  const keyOf = (f) => `${sectionId}.${f.id}`;
  const allKeys = section.fields.map(keyOf);
  const prefill = (f) => (f.prefill === 'account.phone' ? root.dataset.phone : '');
  // Every field is rendered once; answers only show or hide the conditional
  // ones, so nothing the citizen is typing is ever replaced under the finger.
  const nodes = section.fields.map((f) =>
    renderField(catalog, f, keyOf(f), draft.answers[keyOf(f)] ?? prefill(f), errors[keyOf(f)],
      communeLabels));
  const current = () => ({ ...draft.answers, ...readFields(form, allKeys) });
  const visibleKeys = () => rules.visibleFields(catalog, sectionId, current()).map(keyOf);
  const applyVisibility = () => {
    const visible = new Set(visibleKeys());
    nodes.forEach((node, i) => { node.hidden = !visible.has(allKeys[i]); });
  };
  add(
    form,
    section.intro && el('p', {}, section.intro),
    errorSummary(errors, {}),
    ...nodes,
    el('button', { class: 'button', type: 'submit' }, 'Tiếp tục'),
  );
  form.addEventListener('change', (event) => {
    const key = event.target.name;
    if (!key) return;
    setAnswers(readFields(form, [key]));
    save();
    applyVisibility();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setAnswers(readFields(form, visibleKeys()));
    const found = rules.validateSection(catalog, sectionId, draft.answers, localToday());
    save({ step: Object.keys(found).length ? step : nextOf(step) });
    if (Object.keys(found).length) {
      sectionPage(step, sectionId, found);
      document.querySelector('.error-summary')?.focus();
      return;
    }
    go(nextOf(step));
  });
  applyVisibility();
  frame(step, section.title, form);
}

async function attachmentPage(step, attachmentId) {
  const attachment = rules
    .attachmentsFor(catalog, draft.group_id, draft.procedure_ids, draft.answers)
    .find((a) => a.id === attachmentId);
  if (!attachment) return go('kiem-tra');
  const { shrinkPhoto } = await import(root.dataset.shrink);
  const problem = el('p', { class: 'error', role: 'alert', hidden: true });
  const body = el('div', {}, problem, photoPage({ attachment, draft, shrinkPhoto, onChange: () => {} }));
  body.append(el('button', {
    class: 'button', type: 'button',
    onclick: () => {
      const count = draft.uploads.filter((u) => u.attachment_id === attachment.id).length;
      if (attachment.required && !count) {
        problem.hidden = false;
        problem.textContent = `Hãy chụp ít nhất một trang “${attachment.title}”.`;
        problem.focus();
        return;
      }
      save({ step: nextOf(step) });
      go(nextOf(step));
    },
  }, 'Tiếp tục'));
  frame(step, attachment.title, body);
}

async function communeLabel(code) {
  if (!communeLabels[code]) {
    try {
      communeLabels[code] = (await api('GET', '/communes/' + code)).label;
    } catch {
      communeLabels[code] = 'mã ' + code;
    }
  }
  return communeLabels[code];
}

async function display(field, value) {
  if (!value) return 'Không khai';
  if (field.type === 'commune') return communeLabel(value);
  if (field.type === 'checkbox') return value === 'co' ? 'Có' : 'Không';
  if (field.type === 'radio' || field.type === 'select') {
    return (optionsOf(catalog, field).find((o) => o.value === value) || { label: value }).label;
  }
  return showDate(value);
}

async function checkPage(step) {
  const body = el('div');
  await save();
  const server = await api('POST', `/drafts/${draft.id}/check`).catch((e) => ({ fetchError: e }));
  if (server.fetchError) body.append(el('p', { class: 'error' }, server.fetchError.message));
  else if (!server.ok) {
    const items = Object.entries(server.fields).map(([key, message]) => {
      const sectionId = key.split('.')[0];
      return el('li', {}, el('a', { href: `#s/${sectionId}${RETURN}` }, message));
    });
    for (const a of server.missing_attachments) {
      items.push(el('li', {}, el('a', { href: `#a/${a.id}${RETURN}` }, `Chưa có ảnh “${a.title}”`)));
    }
    if (server.selection_error) items.push(el('li', {}, el('a', { href: '#thu-tuc' }, server.selection_error)));
    body.append(el('div', { class: 'error-summary', role: 'alert' },
      el('h2', {}, 'Cần sửa trước khi nộp'), el('ul', {}, items)));
  }
  body.append(el('h2', {}, 'Thủ tục'), el('dl', { class: 'summary' },
    el('dt', {}, 'Nơi nộp', el('a', { class: 'change', href: `/x/${draft.commune.code}` }, 'Thay đổi')),
    el('dd', {}, draft.commune.label),
    el('dt', {}, 'Các thủ tục', el('a', { class: 'change', href: '#thu-tuc' }, 'Thay đổi')),
    el('dd', {}, draft.procedure_ids.map((p) => catalog.procedures[p].title).join('; '))));
  for (const sectionId of rules.sectionsFor(catalog, draft.group_id, draft.procedure_ids)) {
    const section = catalog.sections[sectionId];
    const rows = [];
    for (const f of rules.visibleFields(catalog, sectionId, draft.answers)) {
      const key = `${sectionId}.${f.id}`;
      rows.push(
        el('dt', {}, f.label, el('a', {
          class: 'change', href: `#s/${sectionId}${RETURN}`,
          'aria-label': `Thay đổi ${f.label}`,
        }, 'Thay đổi')),
        el('dd', {}, await display(f, draft.answers[key])),
      );
    }
    body.append(el('h2', {}, section.title), el('dl', { class: 'summary' }, rows));
  }
  const attachments = rules.attachmentsFor(catalog, draft.group_id, draft.procedure_ids, draft.answers);
  body.append(el('h2', {}, 'Ảnh giấy tờ'), el('dl', { class: 'summary' }, attachments.map((a) => {
    const count = draft.uploads.filter((u) => u.attachment_id === a.id).length;
    return [
      el('dt', {}, a.title, el('a', { class: 'change', href: `#a/${a.id}${RETURN}` }, 'Thay đổi')),
      el('dd', {}, count ? `${count} trang` : a.required ? 'Chưa có ảnh' : 'Không nộp'),
    ];
  })));
  body.append(el('button', {
    class: 'button', type: 'button', disabled: !server.ok,
    onclick: () => go('xac-nhan'),
  }, 'Tiếp tục để xác nhận và nộp'));
  frame(step, 'Kiểm tra lại thông tin', body, { wide: true });
}

function confirmPage(step) {
  const keyName = 'idem:' + draft.id;
  const idempotencyKey = localStorage.getItem(keyName) || newId();
  localStorage.setItem(keyName, idempotencyKey);
  const message = el('p', { role: 'status' });
  const codeBox = el('div', { class: 'field', hidden: true });
  const codeInput = el('input', {
    id: 'ma-xac-nhan', class: 'input-code', autocomplete: 'one-time-code', inputmode: 'numeric',
    maxlength: '12',
  });
  const sendButton = el('button', { class: 'button secondary', type: 'button' }, 'Gửi mã xác nhận');
  const submitButton = el('button', { class: 'button', type: 'submit' }, 'Nộp hồ sơ');
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const form = el('form', { novalidate: true }, codeBox);
  codeBox.append(el('label', { for: 'ma-xac-nhan' }, 'Mã xác nhận (6 chữ số)'), error, codeInput, submitButton);
  let wait = 0;
  const countdown = () => {
    sendButton.disabled = wait > 0;
    sendButton.textContent = wait > 0 ? `Gửi lại mã (${wait} giây)` : 'Gửi lại mã';
    if (wait-- > 0) setTimeout(countdown, 1000);
  };
  sendButton.addEventListener('click', async () => {
    sendButton.disabled = true;
    try {
      const sent = await api('POST', `/drafts/${draft.id}/confirmation-code`);
      message.textContent = `Đã gửi mã đến số ${sent.sent_to}. Mã có hiệu lực 5 phút.`;
      codeBox.hidden = false;
      codeInput.focus();
      wait = sent.resend_after;
      countdown();
    } catch (e) {
      message.textContent = e.message;
      sendButton.disabled = false;
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitButton.disabled) return; // a double tap sends once
    submitButton.disabled = true;
    submitButton.textContent = 'Đang nộp…';
    try {
      const result = await api('POST', '/dossiers', {
        draft_id: draft.id, idempotency_key: idempotencyKey, confirmation_code: codeInput.value,
      });
      localStorage.removeItem(keyName);
      location.assign(result.url + '?moi=1');
    } catch (e) {
      error.hidden = false;
      error.textContent = e.message;
      submitButton.disabled = false;
      submitButton.textContent = 'Nộp hồ sơ';
    }
  });
  frame(step, 'Xác nhận và nộp hồ sơ', el('div', {},
    el('p', {}, 'Để nộp hồ sơ, hãy nhận mã xác nhận qua tin nhắn đến số điện thoại đã đăng nhập.'),
    sendButton, message, form));
}

function render() {
  const step = decodeURIComponent(location.hash.slice(1)) || draft.step || 'thu-tuc';
  const list = steps();
  const base = step.replace(RETURN, '');
  if (!list.includes(base)) {
    // A step not reachable yet (procedures unchosen) or gone: restart where it makes sense.
    return go(list.includes(draft.step) ? draft.step : 'thu-tuc');
  }
  if (base === 'thu-tuc') return proceduresPage(step);
  if (base.startsWith('s/')) return sectionPage(step, base.slice(2));
  if (base.startsWith('a/')) return attachmentPage(step, base.slice(2));
  if (base === 'kiem-tra') return checkPage(step);
  return confirmPage(step);
}

async function start() {
  try {
    const [loadedCatalog, loadedRules] = await Promise.all([
      api('GET', '/catalog'),
      import(root.dataset.rules),
    ]);
    catalog = loadedCatalog;
    rules = loadedRules;
    if (root.dataset.draft) {
      draft = await api('GET', `/drafts/${root.dataset.draft}`);
    } else {
      const id = newId();
      const g = catalog.groups.find((x) => x.id === root.dataset.group);
      draft = await api('PUT', `/drafts/${id}`, {
        commune_code: root.dataset.commune, group_id: g.id, procedure_ids: g.procedures,
        step: 'thu-tuc',
      });
      history.replaceState(null, '', `/ho-so/nhap/${id}#thu-tuc`);
    }
  } catch (e) {
    root.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message),
      el('a', { class: 'button', href: location.href }, 'Thử lại'));
    return;
  }
  window.addEventListener('hashchange', render);
  render();
}

start();
