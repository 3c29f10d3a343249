// The officer's passkey step after the password: make the first passkey, or
// confirm with one. The options are in the page; the answer goes back in the
// form (with its CSRF token) as JSON.
import { create, defaultName, get, problemText } from './passkeys.js';

const form = document.querySelector('[data-officer-passkey]');
if (form) {
  const options = JSON.parse(form.dataset.options);
  const enrol = form.dataset.mode === 'enrol';
  const button = form.querySelector('[data-start]');
  const error = form.querySelector('[data-error]');
  const name = form.querySelector('input[name="name"]');
  if (name && !name.value) name.value = defaultName();
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    button.disabled = true;
    error.hidden = true;
    try {
      const credential = enrol ? await create(options) : await get(options);
      form.querySelector('input[name="credential"]').value = JSON.stringify(credential);
      form.submit();
    } catch (e) {
      const text = problemText(e, { sms: false });
      if (text) {
        error.textContent = text;
        error.hidden = false;
      }
      button.disabled = false;
    }
  });
  button.disabled = false; // rendered disabled: nothing listened before this line
}
