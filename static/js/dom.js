// A tiny element builder: text always goes in as text, never as HTML.
// Appends children, skipping empty ones (null, undefined, false), which the
// DOM's own append() would print as text.
export function add(node, ...children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false || child === '') continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A time of day as the citizen's phone shows it (HH:MM:SS, 24 hours): when
// something was saved, when it will be tried again.
export const clock = (ms = Date.now()) => new Date(ms).toLocaleTimeString('vi-VN', {
  hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

// Vietnam's calendar day as YYYY-MM-DD, the day the server judges "no
// future dates" by (domain/clock.py today_vn). Not toISOString(): that is
// the UTC day, still yesterday before 07:00 in Vietnam.
export const vnToday = (ms = Date.now()) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(ms));

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, value);
  }
  return add(node, ...children);
}

export function errorSummary(errors, labels) {
  const keys = Object.keys(errors);
  if (!keys.length) return null;
  return el(
    'div',
    { class: 'error-summary', role: 'alert', tabindex: '-1' },
    el('h2', {}, 'Có vấn đề cần sửa'),
    el(
      'ul',
      {},
      keys.map((key) =>
        el('li', {}, el('a', { href: '#f-' + key.replace('.', '-') }, errors[key] || labels[key])),
      ),
    ),
  );
}
