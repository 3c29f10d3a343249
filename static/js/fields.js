// Renders one form page's fields from the catalog and reads them back.
import { api } from './api.js';
import { get } from './store.js';

export const fold = (text) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
  .replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/\s+/g, ' ').trim();

// Offline, the communes of the dossier's province kept on the phone answer
// the search (the whole country's list is never sent to the browser).
async function searchCommunes(q) {
  try {
    return (await api('GET', '/communes?q=' + encodeURIComponent(q))).results;
  } catch (e) {
    if (!e.offline) throw e;
    const kept = await get('meta', 'communes');
    const words = fold(q).split(' ');
    return ((kept && kept.value) || [])
      .filter((c) => words.every((w) => fold(c.label).includes(w)))
      .slice(0, 20);
  }
}
import { el, vnToday } from './dom.js';

const INPUT_TYPES = {
  text: 'text', personal_id: 'text', phone: 'tel', email: 'email', integer: 'text',
  date: 'date', time: 'time',
};
const INPUT_MODES = { personal_id: 'numeric', phone: 'tel', integer: 'numeric' };

export function fieldId(key) {
  return 'f-' + key.replace('.', '-');
}

export function optionsOf(catalog, field) {
  const list = field.options || (field.options_ref && catalog.options[field.options_ref]) || [];
  return list.map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
}

function labelText(field) {
  return field.required ? field.label : `${field.label} (không bắt buộc)`;
}

function describedBy(id, field, error) {
  return [field.hint && id + '-hint', error && id + '-error'].filter(Boolean).join(' ') || null;
}

function choiceField(catalog, field, key, value, error) {
  const id = fieldId(key);
  const type = field.type === 'checkbox' ? 'checkbox' : 'radio';
  const options =
    field.type === 'checkbox' ? [{ value: 'co', label: field.label }] : optionsOf(catalog, field);
  return el(
    'fieldset',
    { 'aria-describedby': describedBy(id, field, error) },
    field.type === 'checkbox' ? null : el('legend', {}, labelText(field)),
    field.hint && el('p', { class: 'hint', id: id + '-hint' }, field.hint),
    error && el('p', { class: 'error', id: id + '-error' }, error),
    options.map((option, index) =>
      el(
        'label',
        { class: 'option' },
        el('input', {
          type,
          name: key,
          value: option.value,
          id: index === 0 ? id : `${id}-${index}`,
          checked: value === option.value,
        }),
        option.label,
      ),
    ),
  );
}

// Communes chosen already (earlier in this dossier, or kept with the account):
// offered first, one tap each, instead of searching the same name again.
let recentCommunes = [];
export function setRecentCommunes(list) {
  recentCommunes = list;
}

const lowerFirst = (text) => text.charAt(0).toLowerCase() + text.slice(1);

function communeField(field, key, value, error, communeLabels) {
  const id = fieldId(key);
  const hidden = el('input', { type: 'hidden', name: key, value: value || '' });
  const chosen = el('p', { class: 'notice', 'data-chosen': key }, '');
  const showChosen = (label) => {
    chosen.textContent = label ? 'Đã chọn: ' + label : '';
    chosen.hidden = !label;
  };
  showChosen(value && (communeLabels[value] || 'mã ' + value));
  const list = el('ul', { class: 'suggest', hidden: true });
  const search = el('input', {
    type: 'search', id, autocomplete: 'off', placeholder: 'Gõ tên xã, phường (không cần dấu)',
    'aria-describedby': describedBy(id, field, error),
  });
  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = search.value.trim();
      list.replaceChildren();
      list.hidden = q.length < 2;
      if (q.length < 2) return;
      try {
        // The citizen's own communes first among the matches.
        const mine = new Set(recentCommunes.map((c) => c.code));
        const found = await searchCommunes(q);
        const results = [...found.filter((c) => mine.has(c.code)),
          ...found.filter((c) => !mine.has(c.code))];
        list.replaceChildren(
          ...results.map((c) =>
            el('li', {}, el('button', { type: 'button', onclick: () => choose(c) }, c.label)),
          ),
        );
        if (!results.length) list.append(el('li', { class: 'hint' }, 'Không tìm thấy. Hãy gõ lại tên.'));
      } catch (e) {
        list.replaceChildren(el('li', { class: 'error' }, e.message));
      }
    }, 250);
  });
  const choose = (c) => {
    hidden.value = c.code;
    communeLabels[c.code] = c.label;
    showChosen(c.label);
    search.value = '';
    list.hidden = true;
    hidden.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const quick = recentCommunes.length ? el('div', { class: 'quick-picks' },
    recentCommunes.map((c) => el('button', {
      type: 'button', class: 'button secondary', onclick: () => choose(c),
      'aria-label': `Chọn ${c.label} cho ${lowerFirst(labelText(field))}`,
    }, c.label))) : null;
  return el(
    'div',
    { class: 'field' + (error ? ' field-error' : '') },
    el('label', { for: id }, labelText(field)),
    field.hint && el('p', { class: 'hint', id: id + '-hint' }, field.hint),
    error && el('p', { class: 'error', id: id + '-error' }, error),
    chosen, quick, search, list, hidden,
  );
}

export function renderField(catalog, field, key, value, error, communeLabels) {
  if (field.type === 'radio' || field.type === 'checkbox') {
    return el('div', { class: 'field' + (error ? ' field-error' : ''), 'data-key': key },
      choiceField(catalog, field, key, value, error));
  }
  if (field.type === 'commune') {
    const node = communeField(field, key, value, error, communeLabels);
    node.dataset.key = key;
    return node;
  }
  const id = fieldId(key);
  const common = {
    id, name: key, 'aria-describedby': describedBy(id, field, error),
    autocomplete: field.autocomplete || 'off',
  };
  let input;
  if (field.type === 'select') {
    input = el('select', common, el('option', { value: '' }, 'Chọn'),
      optionsOf(catalog, field).map((o) =>
        el('option', { value: o.value, selected: o.value === value }, o.label)));
  } else if (field.type === 'textarea') {
    input = el('textarea', { ...common, maxlength: field.max_length || 1000 });
    input.value = value || '';
  } else {
    input = el('input', {
      ...common,
      type: INPUT_TYPES[field.type] || 'text',
      inputmode: field.inputmode || INPUT_MODES[field.type] || null,
      maxlength: field.max_length || null,
      spellcheck: field.type === 'text' ? null : 'false',
    });
    input.value = value || '';
    if (field.type === 'date') input.max = vnToday();
  }
  return el(
    'div',
    { class: 'field' + (error ? ' field-error' : ''), 'data-key': key },
    el('label', { for: id }, labelText(field)),
    field.hint && el('p', { class: 'hint', id: id + '-hint' }, field.hint),
    error && el('p', { class: 'error', id: id + '-error' }, error),
    input,
  );
}

// Values of the page's fields, as strings; unchecked radios and boxes give "".
export function readFields(form, keys) {
  const data = new FormData(form);
  const values = {};
  for (const key of keys) values[key] = (data.get(key) || '').toString();
  return values;
}
