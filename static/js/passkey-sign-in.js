// Signing in with a passkey: a button on the sign-in page, and the browser's
// autofill list on the phone-number field where the browser offers it. The
// SMS code stays the way in for a lost phone or a browser without passkeys.
import { api } from './api.js';
import { autofillAvailable, get, problemText, supported } from './passkeys.js';

const shown = document.querySelectorAll('[data-passkey-sign-in]');
const unusable = document.querySelector('[data-passkey-unusable]');
const field = document.querySelector('input[autocomplete$="webauthn"]');
const error = document.querySelector('[data-passkey-error]');
let autofill = null; // the waiting autofill request, cancelled before any other

function show(problem) {
  const text = problemText(problem);
  if (!error || !text) return;
  error.textContent = text;
  error.hidden = false;
}

async function finish(credential) {
  const { next } = await api('POST', '/passkeys/sign-in', { credential });
  location.assign(next);
}

async function withButton(button) {
  if (button.disabled) return;
  button.disabled = true;
  if (error) error.hidden = true;
  if (autofill) autofill.abort();
  try {
    const options = await api('POST', '/passkeys/sign-in-options');
    await finish(await get(options));
  } catch (e) {
    // Tapped by the citizen: never a silent grey button. A phone without a
    // passkey of ours answers like a cancelled one (NotAllowedError).
    show(e.name === 'NotAllowedError' || e.name === 'AbortError' ? NONE_HERE : e);
    button.disabled = false;
  }
}

const NONE_HERE = {
  status: 0,
  message: 'Chưa đăng nhập được bằng khóa đăng nhập: bạn đã hủy, đã hết thời gian, hoặc ' +
    'điện thoại này chưa có khóa đăng nhập của tài khoản nào. Hãy dùng tài khoản số điện ' +
    'thoại bên trên để nhận mã SMS.',
};

async function withAutofill() {
  if (!field || !(await autofillAvailable())) return;
  autofill = new AbortController();
  field.form?.addEventListener('submit', () => autofill.abort());
  try {
    const options = await api('POST', '/passkeys/sign-in-options');
    await finish(await get(options, { mediation: 'conditional', signal: autofill.signal }));
  } catch (e) {
    show(e);
  }
}

if (shown.length && supported()) {
  for (const node of shown) node.hidden = false;
  if (unusable) unusable.hidden = true;
  const button = document.querySelector('button[data-passkey-sign-in]');
  button.addEventListener('click', () => withButton(button));
}
withAutofill();
