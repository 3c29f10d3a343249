// The catalog's checks in the browser: the same rules and the same messages as
// domain/validation.py, driven by the catalog JSON passed in. The server stays
// authoritative: only it knows whether a commune code exists and which phone
// ranges are allocated (here: 5 digits; 10-digit 03/05/07/08/09 numbers).
// Answers: {'section.field': 'value'}; dates 'YYYY-MM-DD'; today 'YYYY-MM-DD'.

// The same characters as _SPACES in validation.py (JS trim() and Python strip() differ).
const SPACE =
  '[ \\t\\n\\r\\f\\v\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';
const TRIM = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g');
const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const TIME = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/;
const INTEGER = /^[0-9]{1,9}$/;
const DIGITS = /^[0-9]+$/;
const COMMUNE = /^[0-9]{5}$/;
const EMAIL = /^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$/;
const PHONE_CHARS = /^[0-9+().\-\s]+$/;
const OLD_MOBILE = /^(?:\+?84|0)1[0-9]{9}$/;
const MOBILE = /^0[35789][0-9]{8}$/;
const LANDLINE = /^02[0-9]{9}$/;
const SERVICE = /^1[89]00[0-9]{4,6}$/; // 1800 / 1900 numbers: valid, but not mobile
const CHOICE_TYPES = ['radio', 'select', 'commune', 'checkbox'];
const PHONE_MESSAGES = {
  invalid: 'phone_invalid', old: 'phone_old', not_mobile: 'phone_not_mobile',
};
const MAX_WHEN_DEPTH = 10;
// Characters nobody sees or means to type in free text (zero-width space, soft
// hyphen, right-to-left override, controls): _HIDDEN_CATEGORIES in validation.py.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;

export function normalizeText(value) {
  return value.normalize('NFC').replace(TRIM, '');
}

function format(template, params) {
  let text = template;
  for (const [key, value] of Object.entries(params)) {
    text = text.split(`{${key}}`).join(String(value));
  }
  return text;
}

function message(catalog, field, key, params = {}) {
  const template = (field.messages && field.messages[key]) || catalog.messages[key];
  const name = field.name;
  const Name = name.slice(0, 1).toUpperCase() + name.slice(1);
  return format(template, { name, Name, ...params });
}

function displayDate(iso) {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

function isDate(text) {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}

function sectionOf(key) {
  return key.split('.')[0];
}

export function getGroup(catalog, groupId) {
  return catalog.groups.find((group) => group.id === groupId) || null;
}

export function getField(catalog, key) {
  const dot = key.indexOf('.');
  if (dot < 0 || !Object.hasOwn(catalog.sections, key.slice(0, dot))) return null;
  const section = catalog.sections[key.slice(0, dot)];
  return section.fields.find((field) => field.id === key.slice(dot + 1)) || null;
}

export function fieldOptions(catalog, field) {
  if (field.options) return field.options;
  return catalog.options[field.options_ref] || [];
}

// --- selection and pages ---------------------------------------------------

export function checkSelection(catalog, groupId, procedureIds) {
  const group = getGroup(catalog, groupId);
  const m = catalog.messages;
  if (!group) return m.selection_unknown_group;
  const known = (id) => typeof id === 'string' && group.procedures.includes(id);
  if (!Array.isArray(procedureIds) || !procedureIds.every(known)) {
    return m.selection_unknown_procedure;
  }
  if (new Set(procedureIds).size !== procedureIds.length) return m.selection_duplicate;
  for (const required of group.required) {
    if (!procedureIds.includes(required)) {
      return format(m.selection_required, { title: catalog.procedures[required].title });
    }
  }
  for (const rule of group.exclusive) {
    if (rule.procedures.every((id) => procedureIds.includes(id))) return rule.message;
  }
  const bounds = { min: group.min, max: group.max };
  if (procedureIds.length < group.min) return format(m.selection_too_few, bounds);
  if (procedureIds.length > group.max) return format(m.selection_too_many, bounds);
  return null;
}

export function sectionsFor(catalog, groupId, procedureIds) {
  const group = getGroup(catalog, groupId);
  if (!group) return [];
  const wanted = new Set(group.always_sections || []);
  for (const id of group.procedures) {
    if (procedureIds.includes(id)) catalog.procedures[id].sections.forEach((s) => wanted.add(s));
  }
  return group.sections.filter((sectionId) => wanted.has(sectionId));
}

function raw(answers, key) {
  const value = answers[key];
  return typeof value === 'string' ? normalizeText(value) : '';
}

export function conditionHolds(condition, value) {
  if ('equals' in condition) return value === condition.equals;
  if ('not_equals' in condition) return value !== '' && value !== condition.not_equals;
  if ('in' in condition) return condition.in.includes(value);
  return value !== '';
}

function isVisible(catalog, field, answers, active, depth = 0) {
  if (active && !active.has(sectionOf(field.key))) return false;
  const condition = field.when;
  if (!condition) return true;
  const control = getField(catalog, condition.field);
  if (!control || depth > MAX_WHEN_DEPTH) return false;
  if (!isVisible(catalog, control, answers, active, depth + 1)) return false;
  return conditionHolds(condition, raw(answers, condition.field));
}

function whenHolds(catalog, condition, answers, active) {
  const control = getField(catalog, condition.field);
  const visible = control && isVisible(catalog, control, answers, active);
  return conditionHolds(condition, visible ? raw(answers, condition.field) : '');
}

function section(catalog, sectionId) {
  if (!Object.hasOwn(catalog.sections, sectionId)) throw new Error(`unknown section: ${sectionId}`);
  return catalog.sections[sectionId];
}

function visible(catalog, sectionId, answers, active) {
  return section(catalog, sectionId).fields.filter((f) => isVisible(catalog, f, answers, active));
}

export function visibleFields(catalog, sectionId, answers) {
  return visible(catalog, sectionId, answers, null);
}

// `electronic`: procedures whose declaration is confirmed at submit instead
// of signed (the province's setting): their signed form is not asked.
export function attachmentsFor(catalog, groupId, procedureIds, answers, electronic = []) {
  const group = getGroup(catalog, groupId);
  if (!group) return [];
  const active = new Set(sectionsFor(catalog, groupId, procedureIds));
  const result = [];
  for (const id of group.procedures) {
    if (!procedureIds.includes(id)) continue;
    for (const attachment of catalog.procedures[id].attachments) {
      if (electronic.includes(id) && attachment.form) continue;
      if (!attachment.when || whenHolds(catalog, attachment.when, answers, active)) {
        result.push({ ...attachment });
      }
    }
  }
  return result;
}

// --- one field -------------------------------------------------------------

// A number with another country code: not Vietnamese if it looks like one at all.
function foreign(compact) {
  const rest = compact.startsWith('+') ? compact.slice(1) : compact.slice(2);
  return /^[1-9][0-9]{6,14}$/.test(rest) ? 'not_mobile' : 'invalid';
}

function nationalMobile(text) {
  // 'invalid' | 'old' | 'not_mobile' | null (looks like a Vietnamese mobile number)
  if (!PHONE_CHARS.test(text)) return 'invalid';
  const compact = text.replace(/[^0-9+]/g, '');
  if (OLD_MOBILE.test(compact)) return 'old';
  let national = compact;
  // '+84 (0) 912 ...': the trunk 0 written after the country code is dropped.
  if (compact.startsWith('+84')) national = '0' + compact.slice(3).replace(/^0/, '');
  else if (compact.startsWith('0084')) national = '0' + compact.slice(4).replace(/^0/, '');
  else if (compact.startsWith('+') || compact.startsWith('00')) return foreign(compact);
  else if (compact.startsWith('84') && compact.length === 11) national = '0' + compact.slice(2);
  if (MOBILE.test(national)) return null;
  return LANDLINE.test(national) || SERVICE.test(national) ? 'not_mobile' : 'invalid';
}

const CHECKS = {
  date(catalog, field, text, today) {
    if (!isDate(text)) return message(catalog, field, 'date_invalid');
    if (field.not_before && text < field.not_before) {
      return message(catalog, field, 'date_too_early', { min: displayDate(field.not_before) });
    }
    if (field.not_future !== false && text > today) return message(catalog, field, 'date_future');
    return null;
  },
  time: (catalog, field, text) =>
    TIME.test(text) ? null : message(catalog, field, 'time_invalid'),
  radio: checkChoice,
  select: checkChoice,
  checkbox: (catalog, field, text) =>
    text === 'co' ? null : message(catalog, field, 'choice_invalid'),
  personal_id(catalog, field, text) {
    if (!/^[0-9]{12}$/.test(text)) return message(catalog, field, 'personal_id_format');
    if (!catalog.personal_id_provinces.includes(text.slice(0, 3))) {
      return message(catalog, field, 'personal_id_province');
    }
    return null;
  },
  phone(catalog, field, text) {
    const problem = nationalMobile(text);
    if (problem === null) return null;
    return message(catalog, field, PHONE_MESSAGES[problem]);
  },
  email: (catalog, field, text) =>
    EMAIL.test(text) ? null : message(catalog, field, 'email_invalid'),
  integer(catalog, field, text) {
    if (!INTEGER.test(text)) return message(catalog, field, 'integer_invalid');
    const number = Number(text);
    const low = field.min ?? null;
    const high = field.max ?? null;
    if ((low !== null && number < low) || (high !== null && number > high)) {
      return message(catalog, field, 'integer_range', { min: low, max: high });
    }
    return null;
  },
  // Only the shape: the server checks that the commune exists.
  commune: (catalog, field, text) =>
    COMMUNE.test(text) ? null : message(catalog, field, 'commune_invalid'),
};

function checkChoice(catalog, field, text) {
  const values = fieldOptions(catalog, field).map((option) => option.value);
  return values.includes(text) ? null : message(catalog, field, 'choice_invalid');
}

export function validateField(catalog, field, value, today) {
  if (value === undefined) value = '';
  if (typeof value !== 'string') return message(catalog, field, 'not_string');
  const text = normalizeText(value);
  if (text === '') {
    if (field.required === false) return null;
    const key = CHOICE_TYPES.includes(field.type) ? 'required_choice' : 'required';
    return message(catalog, field, key);
  }
  if (field.type === 'text' && HIDDEN.test(text)) return message(catalog, field, 'text_hidden');
  const length = Array.from(text).length;
  if ('max_length' in field && length > field.max_length) {
    return message(catalog, field, 'too_long', { max: field.max_length });
  }
  if ('min_length' in field && length < field.min_length) {
    return message(catalog, field, 'too_short', { min: field.min_length });
  }
  if (field.digits) {
    const [low, high] = field.digits;
    const digits = text.replace(/[ .-]/g, ''); // grouped as printed: "1903 6677 8899"
    if (!(DIGITS.test(digits) && low <= digits.length && digits.length <= high)) {
      const key = low === high ? 'digits_exact' : 'digits_invalid';
      return message(catalog, field, key, { min: low, max: high });
    }
  }
  const check = CHECKS[field.type];
  return check ? check(catalog, field, text, today) : null;
}

// --- cross-field rules -----------------------------------------------------

const COMPARISONS = {
  date_after: (a, b) => a > b,
  date_before: (a, b) => a < b,
  date_not_after: (a, b) => a <= b,
  date_not_before: (a, b) => a >= b,
};

// Another field's answer; '' when it does not apply or is wrong itself.
function otherValue(catalog, key, answers, active, today) {
  const field = getField(catalog, key);
  if (!field || !isVisible(catalog, field, answers, active)) return '';
  if (validateField(catalog, field, answers[key], today)) return '';
  return raw(answers, key);
}

export function checkRule(catalog, rule, answers, today, active = null) {
  const field = getField(catalog, rule.field);
  if (!field || !isVisible(catalog, field, answers, active)) return null;
  const value = raw(answers, rule.field);
  if (rule.type === 'required_if') {
    if (value === '' && whenHolds(catalog, rule.when, answers, active)) {
      return rule.message || message(catalog, field, 'required');
    }
    return null;
  }
  if (value === '') return null;
  if (rule.type in COMPARISONS) {
    const other = otherValue(catalog, rule.other, answers, active, today);
    const broken = isDate(value) && isDate(other) && !COMPARISONS[rule.type](value, other);
    return broken ? rule.message : null;
  }
  if (rule.type === 'age_between') {
    const other = otherValue(catalog, rule.other, answers, active, today);
    const age = ageOn(value, other);
    return age !== null && (age < rule.min_years || age > rule.max_years)
      ? rule.message.replace('{age}', String(age)) : null;
  }
  if (rule.type === 'younger_than_years') {
    const year = String(Number(today.slice(0, 4)) - rule.years).padStart(4, '0');
    const cutoff = year + today.slice(4);
    return isDate(value) && value <= cutoff ? rule.message : null;
  }
  if (rule.type === 'personal_id_matches') {
    return checkIdMatches(catalog, rule, field, value, answers, active, today);
  }
  throw new Error(`unknown rule type: ${rule.type}`);
}

function checkIdMatches(catalog, rule, field, value, answers, active, today) {
  // Same order as domain.personal_id.check_personal_id: year, then sex.
  const birth = rule.birth ? otherValue(catalog, rule.birth, answers, active, today) : '';
  const sexField = typeof rule.sex === 'object' && rule.sex ? rule.sex.field : null;
  const sex = sexField ? otherValue(catalog, sexField, answers, active, today) : rule.sex || '';
  const centuryDigit = Number(value[3]);
  const century = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 1800, 1800][centuryDigit];
  const idSex = centuryDigit % 2 === 0 ? 'nam' : 'nu';
  const mismatch = (key) =>
    message(catalog, field, 'personal_id_mismatch', { other: getField(catalog, key).name });
  if (isDate(birth) && century + Number(value.slice(4, 6)) !== Number(birth.slice(0, 4))) {
    return mismatch(rule.birth);
  }
  if (Object.hasOwn(catalog.sex_words, sex) && idSex !== sex) {
    if (sexField) return mismatch(sexField);
    return message(catalog, field, 'personal_id_sex', { sex: catalog.sex_words[idSex] });
  }
  return null;
}

// --- pages and whole answers -----------------------------------------------

// groupId and procedureIds are optional, as in Python: with them, pages and
// rules of procedures not chosen are left out.
export function validateSection(
  catalog, sectionId, answers, today, groupId = null, procedureIds = null,
) {
  const chosen = groupId !== null && procedureIds !== null;
  const active = chosen ? new Set(sectionsFor(catalog, groupId, procedureIds)) : null;
  const errors = {};
  for (const field of visible(catalog, sectionId, answers, active)) {
    const error = validateField(catalog, field, answers[field.key], today);
    if (error) errors[field.key] = error;
  }
  for (const rule of catalog.rules) {
    if (sectionOf(rule.field) !== sectionId || rule.field in errors) continue;
    if (procedureIds !== null && rule.procedures
        && !rule.procedures.some((id) => procedureIds.includes(id))) continue;
    const error = checkRule(catalog, rule, answers, today, active);
    if (error) errors[rule.field] = error;
  }
  return errors;
}

export function validateAnswers(catalog, groupId, procedureIds, answers, today) {
  const problem = checkSelection(catalog, groupId, procedureIds);
  if (problem) return { _selection: problem };
  const errors = {};
  for (const [key, value] of Object.entries(answers)) {
    const field = getField(catalog, key);
    // defineProperty: a key such as "__proto__" is reported like any other.
    const error = !field ? catalog.messages.unknown_field
      : typeof value !== 'string' ? message(catalog, field, 'not_string') : null;
    if (error) {
      Object.defineProperty(errors, key, { value: error, enumerable: true, writable: true });
    }
  }
  for (const sectionId of sectionsFor(catalog, groupId, procedureIds)) {
    const page = validateSection(catalog, sectionId, answers, today, groupId, procedureIds);
    for (const [key, error] of Object.entries(page)) if (!(key in errors)) errors[key] = error;
  }
  return errors;
}

export function cleanAnswers(catalog, groupId, procedureIds, answers) {
  const active = new Set(sectionsFor(catalog, groupId, procedureIds));
  const cleaned = {};
  for (const sectionId of active) {
    for (const field of visible(catalog, sectionId, answers, active)) {
      const value = raw(answers, field.key);
      if (value) cleaned[field.key] = value;
    }
  }
  return cleaned;
}

// ---- domain/plausibility.py --------------------------------------------------
export function ageOn(birth, day) {
  if (!isDate(birth) || !isDate(day)) return null;
  const [by, bm, bd] = birth.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function hasMarks(text) {
  return text.toLowerCase().includes('đ') || /\p{M}/u.test(text.normalize('NFD'));
}

export function likelyLostDiacritics(catalog, name) {
  if (!name || hasMarks(name)) return false;
  const words = name.toLowerCase().replace(/[^\p{L}]/gu, ' ').split(/\s+/).filter(Boolean);
  return words.some((w) => catalog.unmarked_syllables.includes(w));
}

// Gentle warnings that never block: names that look typed without diacritics.
export function answerWarnings(catalog, groupId, procedureIds, answers) {
  const found = {};
  const active = new Set(sectionsFor(catalog, groupId, procedureIds));
  for (const sectionId of active) {
    for (const field of visible(catalog, sectionId, answers, active)) {
      const value = answers[field.key];
      if (!field.person_name || typeof value !== 'string') continue;
      if (!likelyLostDiacritics(catalog, value)) continue;
      const name = field.name.charAt(0).toUpperCase() + field.name.slice(1);
      found[field.key] = catalog.messages.name_no_diacritics
        .replace('{Name}', name).replace('{value}', normalizeText(value));
    }
  }
  return found;
}
