// The citizen wizard: one thing per page. Every answer and photo is written
// to the phone first (IndexedDB) and synced to the server draft in the
// background; steps live in the URL hash so the browser's Back walks them.
import { api, newId, setCsrf } from './api.js';
import { add, clock, el, errorSummary } from './dom.js';
import { watchDevice } from './device.js';
import { optionsOf, readFields, renderField, setRecentCommunes } from './fields.js';
import { enqueue, events as outboxEvents, processOutbox, retryDelay } from './outbox.js';
import { confirmSubmission, problemText, supported } from './passkeys.js';
import { paperPanel } from './papers.js';
import { photoPage } from './photos.js';
import { byDraft, get, put, update } from './store.js';
import { syncDraft } from './sync.js';

const root = document.getElementById('wizard');
const RETURN = '~kt'; // suffix: go back to the check page after a change
let catalog, rules, draft, account, profile;
const vouched = JSON.parse(root.dataset.vouched || '{}');
const communeLabels = {};
if (root.dataset.csrf) setCsrf(root.dataset.csrf);

const localToday = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const group = () => catalog.groups.find((g) => g.id === draft.group_id);
const lowerFirst = (text) => text.charAt(0).toLowerCase() + text.slice(1);
const showDate = (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v.split('-').reverse().join('/') : v);
// Procedures whose declaration this province lets the citizen confirm at
// submit: their "photograph the signed form" step is not asked.
const electronic = (root.dataset.electronic || '').split(',').filter(Boolean);
const attachments = () =>
  rules.attachmentsFor(catalog, draft.group_id, draft.procedure_ids, draft.answers, electronic);

// The pages of one attachment: photos on this phone, plus any the server
// holds from another device, minus those deleted here.
async function pagesFor(attachmentId) {
  const local = (await byDraft(draft.id)).filter((p) => p.attachment_id === attachmentId);
  const known = new Set(local.map((p) => p.client_id));
  const remote = (draft.server_uploads || [])
    .filter((u) => u.attachment_id === attachmentId && !known.has(u.client_id));
  return [...local.filter((p) => !p.deleted), ...remote].sort((a, b) => a.position - b.position);
}

function steps() {
  const list = ['thu-tuc'];
  const procedures = draft.procedure_ids;
  if (rules.checkSelection(catalog, draft.group_id, procedures)) return list;
  for (const id of rules.sectionsFor(catalog, draft.group_id, procedures)) {
    // A page whose every field is hidden by earlier answers is skipped.
    if (rules.visibleFields(catalog, id, draft.answers).length) list.push('s/' + id);
  }
  for (const a of attachments()) list.push('a/' + a.id);
  list.push('kiem-tra', 'xac-nhan');
  return list;
}

// ---- saving: the phone first, the server when it can -------------------
const saved = el('p', { class: 'saved', role: 'status' });
let syncTimer = null;

function scheduleSync(delay = 600) {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(runSync, delay);
}

let syncFailures = 0;

async function runSync() {
  if (!navigator.onLine) {
    saved.textContent = 'Không có mạng: đã lưu trên điện thoại, sẽ tự gửi lên khi có mạng.';
    return false;
  }
  try {
    const fresh = await syncDraft(draft.id);
    if (fresh) draft = fresh;
    syncFailures = 0;
    saved.textContent = 'Đã lưu lên máy chủ lúc ' + clock();
    return true;
  } catch (e) {
    if (!e.offline) {
      saved.textContent = e.message;
      return false;
    }
    // The phone says it is online but the request failed or timed out
    // (lie-fi): no 'online' event will come, so try again by ourselves.
    syncFailures += 1;
    const delay = retryDelay(syncFailures);
    scheduleSync(delay);
    saved.textContent = 'Mạng chập chờn: đã lưu trên điện thoại, sẽ tự thử gửi lên lúc ' +
      clock(Date.now() + delay) + '.';
    return false;
  }
}

async function setAnswers(values) {
  const now = Date.now();
  draft = await update('drafts', draft.id, (d) => {
    for (const [key, value] of Object.entries(values)) {
      if ((d.answers[key] ?? '') === value) continue;
      d.answers[key] = value;
      d.edited_at[key] = now;
    }
    return d;
  });
  saved.textContent = 'Đã lưu trên điện thoại.';
  scheduleSync();
}

async function setMeta(meta) {
  draft = await update('drafts', draft.id, (d) => ({ ...d, ...meta, meta_edited: Date.now() }));
  scheduleSync();
}

// ---- pages ---------------------------------------------------------------
function go(step) {
  location.hash = step;
}

function nextOf(step) {
  if (step.endsWith(RETURN)) return 'kiem-tra';
  const list = steps();
  return list[list.indexOf(step) + 1] || 'kiem-tra';
}

// The wizard's four parts. The number of pages is not shown as a total: it
// grows as answers add pages and photos (1/14 became 17), and a page must not
// say what a later page makes untrue. The parts are the same for every dossier
// (each group always asks for a photo: tests/domain/test_wizard_parts.py).
const PARTS = ['Chọn thủ tục', 'Khai thông tin', 'Chụp ảnh giấy tờ', 'Kiểm tra và nộp'];
const partOf = (base) => base === 'thu-tuc' ? 1 : base.startsWith('s/') ? 2 : base.startsWith('a/') ? 3 : 4;
const FILLED = 'Đã điền sẵn. Hãy kiểm tra lại trước khi bấm Tiếp tục.';

function frame(step, title, body) {
  const list = steps();
  const base = step.replace(RETURN, '');
  const index = list.indexOf(base);
  const part = partOf(base);
  // Said of the page just filled: untrue on the next one.
  if (saved.textContent === FILLED && saved.dataset.step !== step) saved.textContent = '';
  const back = step.endsWith(RETURN)
    ? '#kiem-tra'
    : index > 0 ? '#' + list[index - 1] : `/x/${draft.commune_code}`;
  const heading = el('h1', { tabindex: '-1' }, title);
  root.replaceChildren();
  add(root,
    el('a', { class: 'back', href: back }, 'Quay lại'),
    index >= 0
      ? el('p', { class: 'step' }, `Bước ${index + 1} · Phần ${part}/${PARTS.length}: ${PARTS[part - 1]}`)
      : null,
    heading, body, saved);
  window.scrollTo(0, 0);
  heading.focus();
}

function proceduresPage(step, problem) {
  const g = group();
  const form = el('form', { novalidate: true });
  // Who each procedure is for, and what it may not be chosen with: only the
  // required one is ticked, the citizen ticks what fits their case.
  const excludedBy = (pid) => g.exclusive
    .filter((rule) => rule.procedures.includes(pid))
    .flatMap((rule) => rule.procedures.filter((other) => other !== pid));
  const options = g.procedures.map((pid) => {
    const p = catalog.procedures[pid];
    const required = g.required.includes(pid);
    const others = excludedBy(pid).map((o) => catalog.procedures[o].title);
    return el('label', { class: 'option choice' },
      el('input', {
        type: 'checkbox', name: 'thu-tuc', value: pid, id: 'p-' + pid,
        checked: required || draft.procedure_ids.includes(pid), disabled: required,
        // Named by its title alone; who it is for is read after it.
        'aria-labelledby': 'pt-' + pid, 'aria-describedby': 'pd-' + pid,
      }),
      el('span', { id: 'pd-' + pid }, el('strong', { id: 'pt-' + pid }, p.title),
        el('span', { class: 'for' }, required ? 'Bắt buộc trong nhóm này. ' + p.for : p.for),
        others.length ? el('span', { class: 'for' }, `Không chọn cùng với ${others.join(', ')}.`) : null,
        el('span', { class: 'hint' },
          `${catalog.agencies[p.agency].name}. ${p.processing.text} ${p.fee.text}`)));
  });
  add(form,
    el('p', {}, g.description),
    problem && el('p', { class: 'error', role: 'alert' }, problem),
    el('fieldset', {}, el('legend', { class: 'hint' }, 'Chọn các thủ tục cần làm cùng lúc'), options),
    el('p', { class: 'hint' }, g.deadline.rule),
    el('button', { class: 'button', type: 'submit' }, 'Tiếp tục'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = g.procedures.filter(
      (pid) => g.required.includes(pid) || form.querySelector('#p-' + pid).checked);
    const error = rules.checkSelection(catalog, draft.group_id, chosen);
    if (error) {
      proceduresPage(step, error);
      root.querySelector('[role="alert"]')?.focus();
      return;
    }
    draft.procedure_ids = chosen;
    const next = nextOf(step);
    await setMeta({ procedure_ids: chosen, step: next });
    go(next);
  });
  frame(step, 'Bạn cần làm những thủ tục nào?', form);
}

function sectionPage(step, sectionId, errors = {}) {
  const section = catalog.sections[sectionId];
  const form = el('form', { novalidate: true });
  const keyOf = (f) => `${sectionId}.${f.id}`;
  const allKeys = section.fields.map(keyOf);
  // The account's phone, the citizen's kept details (with consent), and the
  // catalog's default (Vietnamese nationality, so ethnicity shows at once).
  const prefill = (f) => {
    if (f.prefill === 'account.phone' && account) return account.phone;
    const kept = profile?.answers?.[keyOf(f)];
    if (kept) return kept;
    return f.default ?? '';
  };
  // What the e-ID vouched for fills the field; a "fixed" one is not editable
  // (the server refuses a change too), a parent's only when the citizen is
  // that parent of the child.
  const vouchedFor = (key) => {
    const v = vouched[key];
    if (!v || (v.parent !== 'nguoi-yeu-cau'
      && draft.answers['tre.quan_he_nguoi_yeu_cau'] !== v.parent)) return null;
    return v;
  };
  const valueOf = (f) => {
    const v = vouchedFor(keyOf(f));
    if (v && v.change === 'fixed') return v.value;
    return draft.answers[keyOf(f)] ?? (v ? v.value : prefill(f));
  };
  // Every field is rendered once; answers only show or hide the conditional
  // ones, so nothing the citizen is typing is ever replaced under the finger.
  setRecentCommunes(recentCommunes());
  const nodes = section.fields.map((f) =>
    renderField(catalog, f, keyOf(f), valueOf(f), errors[keyOf(f)], communeLabels));
  section.fields.forEach((f, i) => {
    const v = vouchedFor(keyOf(f));
    if (!v) return;
    const input = nodes[i].querySelector('input');
    const fixed = v.change === 'fixed';
    if (input && fixed) input.readOnly = true;
    nodes[i].append(el('p', { class: 'hint vouched', 'data-vouched': keyOf(f) }, fixed
      ? 'Đã xác thực qua VNeID, không sửa được ở đây. Thông tin sai: sửa tại công an xã.'
      : 'Lấy từ VNeID. Nếu thông tin đã đổi, bạn sửa được và ghi lý do sửa ở mục '
        + '"Lý do sửa thông tin lấy từ VNeID".'));
  });
  // The reason for changing a vouched value (the catalog's "vouched_reason"
  // field) is asked only of a citizen signed in with VNeID.
  const noReason = Object.keys(vouched).length === 0;
  const current = () => ({ ...draft.answers, ...readFields(form, allKeys) });
  const own = sectionId === PROFILE_SECTION;
  const keep = own ? el('input', { type: 'checkbox', id: 'luu-thong-tin', checked: !!profile?.consent }) : null;
  const visibleKeys = () => rules.visibleFields(catalog, sectionId, current()).map(keyOf);
  const fills = fillButtons(step, sectionId, current);
  const applyVisibility = () => {
    const visible = new Set(visibleKeys());
    nodes.forEach((node, i) => {
      node.hidden = !visible.has(allKeys[i]) || (noReason && !!section.fields[i].vouched_reason);
    });
    fills.update();
  };
  add(form,
    section.intro && el('p', {}, section.intro),
    errorSummary(errors, {}),
    profile?.consent && own
      ? el('p', { class: 'notice' }, 'Đã điền sẵn thông tin bạn lưu lần trước. Hãy kiểm tra lại.') : null,
    fills.node,
    nodes,
    own ? el('div', { class: 'field' }, el('label', { class: 'option', for: 'luu-thong-tin' }, keep,
      'Lưu thông tin của tôi (trừ số điện thoại đã có) để lần sau không phải gõ lại. ' +
      'Bỏ chọn để xóa thông tin đã lưu.')) : null,
    el('button', { class: 'button', type: 'submit' }, 'Tiếp tục'),
    privacyNote());
  // Typing is saved as it happens: a closed tab keeps every keystroke.
  form.addEventListener('input', (event) => {
    if (event.target.name) setAnswers(readFields(form, [event.target.name]));
  });
  form.addEventListener('change', (event) => {
    if (!event.target.name) return;
    setAnswers(readFields(form, [event.target.name]));
    applyVisibility();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await setAnswers(readFields(form, visibleKeys()));
    const found = rules.validateSection(catalog, sectionId, draft.answers, localToday());
    if (Object.keys(found).length) {
      sectionPage(step, sectionId, found);
      document.querySelector('.error-summary')?.focus();
      return;
    }
    if (own) await keepProfile(keep.checked);
    const next = nextOf(step);
    await setMeta({ step: next });
    go(next);
  });
  applyVisibility();
  frame(step, section.title, form);
}

// ---- the citizen's kept details (services/identity/profile.py) ------------
const PROFILE_SECTION = 'nguoi-yeu-cau';

function privacyNote() {
  return el('p', { class: 'hint privacy' },
    'Thông tin trong hồ sơ chỉ dùng để giải quyết hồ sơ, chỉ cán bộ các cơ quan giải quyết ' +
    'thấy (Nghị định 13/2023/NĐ-CP, Luật Bảo vệ dữ liệu cá nhân 2025). ',
    el('a', { href: '/tai-khoan/du-lieu' }, 'Xem và xóa dữ liệu của bạn'));
}

async function loadProfile() {
  try {
    const fresh = await api('GET', '/account/profile');
    await put('meta', { key: 'profile', ...fresh });
    return fresh;
  } catch {
    return (await get('meta', 'profile')) || null; // offline: what this phone kept
  }
}

// Kept only when the box is ticked; unticked, what was kept is deleted.
async function keepProfile(wanted) {
  if (!wanted && !profile?.consent) return;
  const answers = {};
  for (const f of catalog.sections[PROFILE_SECTION].fields) {
    const key = `${PROFILE_SECTION}.${f.id}`;
    if (f.type !== 'phone' && draft.answers[key]) answers[key] = draft.answers[key];
  }
  try {
    profile = wanted
      ? await api('PUT', '/account/profile', { answers })
      : await api('DELETE', '/account/profile');
    await put('meta', { key: 'profile', ...profile });
  } catch {
    // offline or refused: the dossier goes on; the box is offered again next time
  }
}

// Communes already chosen in this dossier, then those kept with the account.
function recentCommunes() {
  const seen = new Map();
  for (const [key, value] of Object.entries(draft.answers)) {
    const field = rules.getField(catalog, key);
    if (field && field.type === 'commune' && value && communeLabels[value]) {
      seen.set(value, { code: value, label: communeLabels[value] });
    }
  }
  for (const c of profile?.communes || []) if (!seen.has(c.code)) seen.set(c.code, c);
  return [...seen.values()].slice(0, 3);
}

// Facts typed once (domain/catalog_fills.py): a button copies answers given
// on an earlier page into this one, where they are shown and can be changed.
// An offer whose condition is a field of this page shows once it is answered
// (`update` is called on every change).
function fillButtons(step, sectionId, current) {
  const offers = (group().fills || []).filter((offer) => offer.section === sectionId);
  if (!offers.length) return { node: null, update: () => {} };
  const holds = (offer, answers) =>
    !offer.when || rules.conditionHolds(offer.when, answers[offer.when.field] ?? '');
  const sourced = (source, answers) => {
    if (typeof source === 'string') return answers[source] ?? '';
    if ('from' in source) return source.map[answers[source.from] ?? ''] ?? '';
    return source.value;
  };
  const buttons = offers.map((offer) => el('button', {
    class: 'button secondary', type: 'button',
    onclick: async () => {
      const answers = current();
      const values = {};
      for (const [target, source] of Object.entries(offer.fill)) {
        const value = sourced(source, answers);
        if (value) values[target] = value;
        const field = rules.getField(catalog, target);
        if (value && field && field.type === 'commune') await communeLabel(value);
      }
      await setAnswers(values);
      sectionPage(step, sectionId);
      saved.textContent = FILLED;
      saved.dataset.step = step;
    },
  }, offer.label));
  const node = el('div', { class: 'fills' }, buttons);
  const update = () => {
    const answers = current();
    offers.forEach((offer, i) => { buttons[i].hidden = !holds(offer, answers); });
    node.hidden = buttons.every((b) => b.hidden);
  };
  update();
  return { node, update };
}

// The server fills the forms from the answers it holds: send ours first.
async function answersOnServer() {
  clearTimeout(syncTimer);
  if (!(await runSync())) {
    throw new Error(navigator.onLine
      ? 'Chưa lưu được thông tin lên máy chủ nên chưa tạo được tờ khai. Hãy thử lại sau ít giây.'
      : 'Cần có mạng để tạo tờ khai điền sẵn. Hãy kết nối mạng rồi bấm lại. Nếu không có ' +
        'mạng, bạn có thể nhờ cán bộ xã in tờ khai tại Bộ phận một cửa.');
  }
}

const papersOf = (list) => list.filter((a) => a.form);

async function attachmentPage(step, attachmentId) {
  const attachment = attachments().find((a) => a.id === attachmentId);
  if (!attachment) return go('kiem-tra');
  const { shrinkPhoto, DOCUMENT, DOCUMENT_GREY } = await import(root.dataset.shrink);
  const problem = el('p', { class: 'error', role: 'alert', hidden: true });
  const paper = attachment.form && paperPanel({
    draftId: draft.id, attachments: [attachment], ready: answersOnServer,
    heading: 'Tờ khai điền sẵn',
  });
  const body = el('div', {}, problem, paper, photoPage({
    attachment, draftId: draft.id, shrinkPhoto, DOCUMENT, DOCUMENT_GREY, pages: pagesFor,
    afterChange: () => scheduleSync(0),
  }));
  add(body, el('button', {
    class: 'button', type: 'button',
    onclick: async () => {
      if (attachment.required && !(await pagesFor(attachment.id)).length) {
        problem.hidden = false;
        problem.textContent = `Hãy chụp ít nhất một trang “${attachment.title}”.`;
        problem.focus();
        return;
      }
      const next = nextOf(step);
      await setMeta({ step: next });
      go(next);
    },
  }, 'Tiếp tục'));
  frame(step, attachment.title, body);
}

async function communeLabel(code) {
  if (!communeLabels[code]) {
    try {
      communeLabels[code] = (await api('GET', '/communes/' + code)).label;
    } catch {
      return 'mã ' + code;
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

async function problemsOf() {
  // The server is authoritative; offline, the same rules run on the phone.
  const online = await runSync();
  if (online) {
    try {
      const server = await api('POST', `/drafts/${draft.id}/check`);
      return { checkedOnline: true, ...server };
    } catch {
      // fall through to the phone's own check
    }
  }
  const selection = rules.checkSelection(catalog, draft.group_id, draft.procedure_ids);
  const fields = selection
    ? {} : rules.validateAnswers(catalog, draft.group_id, draft.procedure_ids, draft.answers, localToday());
  const missing = [];
  for (const a of attachments()) {
    if (a.required && !(await pagesFor(a.id)).length) missing.push({ id: a.id, title: a.title });
  }
  return {
    checkedOnline: false, ok: !selection && !Object.keys(fields).length && !missing.length,
    selection_error: selection, fields, missing_attachments: missing,
    warnings: selection ? {}
      : rules.answerWarnings(catalog, draft.group_id, draft.procedure_ids, draft.answers),
  };
}

let checkPhotoUrls = [];

async function checkPage(step) {
  const body = el('div');
  const result = await problemsOf();
  if (!result.checkedOnline) {
    add(body, el('p', { class: 'notice' },
      'Điện thoại đang không có mạng: thông tin được kiểm tra trên máy; máy chủ sẽ kiểm tra lại khi gửi.'));
  }
  if (result.duplicate) {
    // The same child or deceased in another dossier: said, never refused.
    add(body, el('div', { class: 'notice duplicate', role: 'status' },
      el('h2', {}, 'Có thể đã có hồ sơ cho trường hợp này'), el('p', {}, result.duplicate)));
  }
  if (!result.ok) {
    const items = Object.entries(result.fields)
      .filter(([key]) => key.includes('.'))
      .map(([key, message]) =>
        el('li', {}, el('a', { href: `#s/${key.split('.')[0]}${RETURN}` }, message)));
    for (const a of result.missing_attachments) {
      items.push(el('li', {}, el('a', { href: `#a/${a.id}${RETURN}` }, `Chưa có ảnh “${a.title}”`)));
    }
    if (result.selection_error) {
      items.push(el('li', {}, el('a', { href: '#thu-tuc' }, result.selection_error)));
    }
    add(body, el('div', { class: 'error-summary', role: 'alert' },
      el('h2', {}, 'Cần sửa trước khi nộp'), el('ul', {}, items)));
  }
  // Gentle: the citizen may submit as it is (a name that really has no marks).
  const warnings = Object.entries(result.warnings || {});
  if (warnings.length) {
    add(body, el('div', { class: 'notice warnings' }, el('h2', {}, 'Nên xem lại'),
      el('ul', {}, warnings.map(([key, text]) => el('li', {}, text, ' ',
        el('a', { href: `#s/${key.split('.')[0]}${RETURN}` }, 'Sửa lại'))))));
  }
  add(body, el('h2', {}, 'Thủ tục'), el('dl', { class: 'summary' },
    el('dt', {}, 'Nơi nộp', el('a', {
      class: 'change', href: `/x/${draft.commune_code}`, 'aria-label': 'Thay đổi nơi nộp',
    }, 'Thay đổi')),
    el('dd', {}, draft.commune_label || await communeLabel(draft.commune_code)),
    el('dt', {}, 'Các thủ tục', el('a', {
      class: 'change', href: '#thu-tuc', 'aria-label': 'Thay đổi các thủ tục',
    }, 'Thay đổi')),
    el('dd', {}, draft.procedure_ids.map((p) => catalog.procedures[p].title).join('; '))));
  // One "Thay đổi" per page of answers, beside its title, and each answer on
  // the line of its label: at 360 px the page was 7.5 screens long.
  for (const sectionId of rules.sectionsFor(catalog, draft.group_id, draft.procedure_ids)) {
    const fields = rules.visibleFields(catalog, sectionId, draft.answers);
    if (!fields.length) continue;
    const title = catalog.sections[sectionId].title;
    const rows = [];
    const blank = []; // optional fields left empty: one line, not a row each
    for (const f of fields) {
      const value = draft.answers[`${sectionId}.${f.id}`];
      if (!value && !f.required) {
        blank.push(f.label);
        continue;
      }
      rows.push(el('dt', {}, f.label), el('dd', {}, await display(f, value)));
    }
    if (blank.length) rows.push(el('dt', {}, 'Để trống'), el('dd', { class: 'blank' }, blank.join('; ')));
    add(body, el('div', { class: 'card-head' }, el('h2', {}, title), el('a', {
      class: 'change', href: `#s/${sectionId}${RETURN}`, 'aria-label': `Thay đổi mục ${title}`,
    }, 'Thay đổi')), el('dl', { class: 'summary answers' }, rows));
  }
  // Each photo as a thumbnail wide enough to tell one paper from another,
  // opening at full size to read the small print.
  for (const url of checkPhotoUrls) URL.revokeObjectURL(url);
  checkPhotoUrls = [];
  const figures = [];
  for (const a of attachments()) {
    const pages = await pagesFor(a.id);
    const change = el('a', {
      class: 'change', href: `#a/${a.id}${RETURN}`, 'aria-label': `Thay đổi ảnh ${lowerFirst(a.title)}`,
    }, 'Thay đổi');
    if (!pages.length) {
      figures.push(el('figure', { class: 'sheet none' }, el('figcaption', {}, a.title, ': ',
        el('strong', {}, a.required ? 'Chưa có ảnh' : 'Không nộp'), ' ', change)));
      continue;
    }
    pages.forEach((page, i) => {
      const src = page.blob ? URL.createObjectURL(page.blob) : page.url;
      if (page.blob) checkPhotoUrls.push(src);
      const name = pages.length > 1 ? `${a.title}, trang ${i + 1}` : a.title;
      figures.push(el('figure', { class: 'sheet' },
        el('a', { href: src, target: '_blank', 'aria-label': `Xem cỡ lớn ${lowerFirst(a.title)}, trang ${i + 1}` },
          el('img', { src, alt: `${a.title}, trang ${i + 1}` })),
        el('figcaption', {}, name, ' ', i === 0 ? change : null)));
    });
  }
  const signed = papersOf(attachments());
  if (signed.length) {
    // Printed and photographed on their own pages already: folded here, for
    // a citizen who changed an answer and must print again.
    add(body, el('details', { class: 'help' },
      el('summary', {}, 'Tờ khai cần ký: tải lại để in nếu bạn đã sửa thông tin'),
      paperPanel({
        draftId: draft.id, attachments: signed, ready: answersOnServer, heading: 'Tờ khai cần ký',
      })));
  }
  add(body, el('div', { class: 'card-head' }, el('h2', {}, 'Ảnh giấy tờ')),
    el('div', { class: 'sheets' }, figures),
    el('button', {
      class: 'button', type: 'button', disabled: !result.ok, onclick: () => go('xac-nhan'),
    }, 'Tiếp tục để xác nhận và nộp'));
  frame(step, 'Kiểm tra lại thông tin', body);
}

// Once: the sender's answer and every outbox 'change' event (from here, another
// tab or the service worker) all say "sent", and each new location.assign()
// cancelled the navigation already on its way, so on a slow link, or while
// the worker kept touching the outbox, the confirmation page could stall.
let openingConfirmation = false;
function openConfirmation(url) {
  if (openingConfirmation) return;
  openingConfirmation = true;
  location.assign(url + '?moi=1');
}
// Back here from the browser's history: the page may move on again.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) openingConfirmation = false;
});

function followOutbox(panel) {
  // When this dossier is sent (from here, another tab or the service
  // worker), show its confirmation page.
  const check = async () => {
    const item = await get('outbox', draft.id);
    if (item && item.state === 'sent' && item.url) openConfirmation(item.url);
  };
  outboxEvents.addEventListener('change', check);
  watchDevice(panel, { only: draft.id });
  check();
}

const withPasskey = () => !!(account && account.passkey) && supported();

function queuedPage(step) {
  const panel = el('div');
  const how = withPasskey()
    ? 'Khi có mạng, bạn xác nhận bằng khóa đăng nhập để hoàn tất, không cần mã SMS.'
    : 'Khi gửi, bạn sẽ nhận mã xác nhận qua tin nhắn để hoàn tất.';
  frame(step, 'Hồ sơ trong hộp thư đi', el('div', {},
    el('p', {}, `Hồ sơ đã được lưu trên điện thoại và sẽ tự gửi khi có mạng. ${how} ` +
      'Bạn có thể đóng ứng dụng.'), panel));
  followOutbox(panel);
}

async function confirmPage(step) {
  if (await get('outbox', draft.id)) return queuedPage(step);
  const message = el('p', { role: 'status' });
  const codeBox = el('div', { class: 'field', hidden: true });
  const codeInput = el('input', {
    id: 'ma-xac-nhan', class: 'input-code', autocomplete: 'one-time-code', inputmode: 'numeric',
    maxlength: '12',
  });
  const sendButton = el('button', { class: 'button secondary', type: 'button' }, 'Gửi mã xác nhận');
  const submitButton = el('button', { class: 'button', type: 'submit' }, 'Nộp hồ sơ');
  const queueButton = el('button', { class: 'button', type: 'button' }, 'Nộp khi có mạng');
  const passkeyButton = el('button', { class: 'button', type: 'button' },
    'Xác nhận bằng khóa đăng nhập và nộp');
  const smsLink = el('button', { class: 'link-button', type: 'button' }, 'Dùng mã SMS thay thế');
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const passkeyError = el('p', { class: 'error', role: 'alert', hidden: true });
  const showError = (node, text) => {
    node.hidden = !text;
    node.textContent = text || '';
  };
  const form = el('form', { novalidate: true }, codeBox);
  add(codeBox, el('label', { for: 'ma-xac-nhan' }, 'Mã xác nhận (6 chữ số)'), error, codeInput,
    submitButton);
  const title = group().title;
  const queue = async () => {
    await enqueue(draft.id, { title });
    queuedPage(step);
  };
  queueButton.addEventListener('click', queue);
  // Sends the confirmed dossier; null when the page moved on, else the
  // server's reason (a wrong code, a refused passkey) to show here.
  const send = async (confirmation) => {
    await enqueue(draft.id, { ...confirmation, title });
    await processOutbox();
    const item = await get('outbox', draft.id);
    if (item.state === 'sent') {
      openConfirmation(item.url);
      return null;
    }
    if (item.state === 'need_code') {
      await update('outbox', draft.id, () => null); // try again from this page
      return item.message;
    }
    queuedPage(step);
    return null;
  };
  let wait = 0;
  const countdown = () => {
    sendButton.disabled = wait > 0;
    sendButton.textContent = wait > 0 ? `Gửi lại mã (${wait} giây)` : 'Gửi lại mã';
    if (wait-- > 0) setTimeout(countdown, 1000);
  };
  sendButton.addEventListener('click', async () => {
    sendButton.disabled = true;
    message.textContent = 'Đang gửi thông tin và ảnh lên máy chủ…';
    try {
      await syncDraft(draft.id);
      const sent = await api('POST', `/drafts/${draft.id}/confirmation-code`);
      message.textContent = sent.sending
        ? `Đang gửi mã đến số ${sent.sent_to}… Tin nhắn thường đến trong vài giây. Mã có hiệu lực 5 phút.`
        : `Đã gửi mã đến số ${sent.sent_to}. Mã có hiệu lực 5 phút.`;
      codeBox.hidden = false;
      codeInput.focus();
      wait = sent.resend_after;
      countdown();
    } catch (e) {
      if (e.offline) return queue();
      message.textContent = e.message;
      sendButton.disabled = false;
    }
  });
  const useSms = () => {
    passkeyButton.hidden = true;
    smsLink.hidden = true;
    sendButton.hidden = false;
    message.textContent = 'Nhận mã xác nhận qua tin nhắn đến số điện thoại đã đăng nhập.';
  };
  smsLink.addEventListener('click', useSms);
  passkeyButton.addEventListener('click', async () => {
    if (passkeyButton.disabled) return;
    passkeyButton.disabled = true;
    showError(passkeyError, '');
    message.textContent = 'Đang gửi thông tin và ảnh lên máy chủ…';
    try {
      await syncDraft(draft.id);
      message.textContent = 'Hãy mở khóa bằng vân tay, khuôn mặt hoặc mã khóa màn hình.';
      const assertion = await confirmSubmission(draft.id);
      message.textContent = 'Đang nộp…';
      const refused = await send({ assertion });
      if (!refused) return;
      showError(passkeyError, refused);
    } catch (e) {
      if (e.offline) return queue();
      if (e.code === 'no_passkey') useSms();
      showError(passkeyError, problemText(e));
    }
    message.textContent = '';
    passkeyButton.disabled = false;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitButton.disabled) return; // a double tap sends once
    submitButton.disabled = true;
    submitButton.textContent = 'Đang nộp…';
    const refused = await send({ code: codeInput.value });
    if (!refused) return;
    showError(error, refused);
    submitButton.disabled = false;
    submitButton.textContent = 'Nộp hồ sơ';
  });
  const online = navigator.onLine;
  const passkey = withPasskey();
  const signedHere = electronic.filter((p) => draft.procedure_ids.includes(p));
  sendButton.hidden = passkey;
  frame(step, 'Xác nhận và nộp hồ sơ', el('div', {},
    !online
      ? el('p', { class: 'notice' }, 'Điện thoại đang không có mạng. Bấm “Nộp khi có mạng”: hồ sơ vào ' +
        'hộp thư đi và tự gửi khi có mạng; khi đó bạn ' + (passkey
        ? 'xác nhận bằng khóa đăng nhập để hoàn tất.'
        : 'nhận mã xác nhận qua tin nhắn để hoàn tất.'))
      : passkey
        ? el('p', {}, 'Để nộp hồ sơ, hãy xác nhận bằng khóa đăng nhập: vân tay, khuôn mặt hoặc mã ' +
          'khóa màn hình của điện thoại. Không cần chờ tin nhắn.')
        : el('p', {}, 'Để nộp hồ sơ, hãy nhận mã xác nhận qua tin nhắn đến số điện thoại đã đăng nhập.'),
    signedHere.length && el('p', { class: 'notice' }, 'Tỉnh cho phép khai điện tử: việc bạn xác ' +
      'nhận khi nộp thay cho chữ ký trên tờ khai của thủ tục ' +
      signedHere.map((p) => catalog.procedures[p].title).join(', ') + '. Không cần in và ký giấy.'),
    online ? [passkey ? passkeyError : null, passkey ? passkeyButton : null, sendButton,
      passkey ? smsLink : null] : queueButton,
    message, form));
}

function render() {
  const step = decodeURIComponent(location.hash.slice(1)) || draft.step || 'thu-tuc';
  const list = steps();
  const base = step.replace(RETURN, '');
  if (!list.includes(base)) return go(list.includes(draft.step) ? draft.step : 'thu-tuc');
  if (base === 'thu-tuc') return proceduresPage(step);
  if (base.startsWith('s/')) return sectionPage(step, base.slice(2));
  if (base.startsWith('a/')) return attachmentPage(step, base.slice(2));
  if (base === 'kiem-tra') return checkPage(step);
  return confirmPage(step);
}

// ---- start -----------------------------------------------------------------
async function loadCatalog() {
  try {
    const fresh = await api('GET', '/catalog');
    await put('meta', { key: 'catalog', value: fresh });
    return fresh;
  } catch (e) {
    const kept = await get('meta', 'catalog');
    if (kept) return kept.value;
    throw e;
  }
}

function fromServer(server) {
  return {
    id: server.id, commune_code: server.commune.code, commune_label: server.commune.label,
    group_id: server.group_id, procedure_ids: server.procedure_ids, step: server.step,
    answers: server.answers, edited_at: server.edited_at, sent_at: { ...server.edited_at },
    meta_edited: 0, meta_sent: 0, on_server: true, server_uploads: server.uploads,
    title: catalog.groups.find((g) => g.id === server.group_id)?.title || 'Hồ sơ',
  };
}

class NoDossier extends Error {
  constructor() {
    super('Chưa chọn hồ sơ nào để khai. Hãy mở đường dẫn (mã QR) của xã rồi chọn việc cần làm, ' +
      'hoặc mở “Hồ sơ của tôi” để tiếp tục hồ sơ đang khai dở.');
  }
}

async function openDraft() {
  const pathId = (location.pathname.match(/^\/ho-so\/nhap\/([0-9a-f-]{36})$/) || [])[1];
  const id = root.dataset.draft || pathId;
  if (id) {
    const local = await get('drafts', id);
    if (local) return local;
    if (await get('outbox', id)) return null; // sent from this phone already
    const server = fromServer(await api('GET', `/drafts/${id}`));
    await put('drafts', server);
    return server;
  }
  const params = new URLSearchParams(location.search);
  const g = catalog.groups.find((x) => x.id === (root.dataset.group || params.get('nhom')));
  if (!g) throw new NoDossier(); // e.g. the app shell opened by its own address
  const fresh = {
    id: newId(), commune_code: root.dataset.commune || params.get('xa'),
    commune_label: root.dataset.communeLabel || '', group_id: g.id, procedure_ids: [...g.required],
    step: 'thu-tuc', title: g.title, answers: {}, edited_at: {}, sent_at: {},
    meta_edited: Date.now(), meta_sent: 0, on_server: false, server_uploads: [],
  };
  await put('drafts', fresh);
  history.replaceState(null, '', `/ho-so/nhap/${fresh.id}#thu-tuc`);
  return fresh;
}

// Keeps the communes of the dossier's province on the phone for offline search.
async function keepProvinceCommunes() {
  try {
    const kept = await get('meta', 'communes');
    const commune = await api('GET', '/communes/' + draft.commune_code);
    if (kept && kept.province === commune.province_code) return;
    const { results } = await api('GET', '/communes?tinh=' + commune.province_code);
    await put('meta', { key: 'communes', province: commune.province_code, value: results });
  } catch {
    // offline or refused: the search simply needs the network then
  }
}

async function start() {
  try {
    [catalog, rules] = await Promise.all([loadCatalog(), import(root.dataset.rules)]);
    if (root.dataset.phone) {
      await put('meta', {
        key: 'account', phone: root.dataset.phone, passkey: root.dataset.passkey === 'co',
      });
    }
    account = await get('meta', 'account');
    profile = await loadProfile();
    for (const c of profile?.communes || []) communeLabels[c.code] = c.label;
    for (const v of Object.values(vouched)) if (v.label) communeLabels[v.value] = v.label;
    draft = await openDraft();
  } catch (e) {
    // Only our own words reach the citizen, never a browser's English script error.
    const ours = e.offline || e instanceof NoDossier || typeof e.status === 'number';
    root.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.offline
      ? 'Hồ sơ này chưa được lưu trên điện thoại này, nên cần có mạng để mở lần đầu.'
      : ours ? e.message : 'Chưa mở được biểu mẫu. Hãy tải lại trang; nếu vẫn lỗi, hãy liên hệ cán bộ xã.'),
    e instanceof NoDossier ? el('a', { class: 'button', href: '/ho-so' }, 'Hồ sơ của tôi') : null,
    el('a', { class: 'button', href: location.href }, 'Thử lại'));
    return;
  }
  if (!draft) {
    const panel = el('div');
    root.replaceChildren(el('h1', {}, 'Hồ sơ đã ở hộp thư đi'), panel);
    watchDevice(panel);
    return;
  }
  window.addEventListener('hashchange', render);
  window.addEventListener('online', () => scheduleSync(0));
  render();
  scheduleSync(0);
  if (navigator.onLine) keepProvinceCommunes();
}

start();
