// Creating a passkey for the signed-in citizen: on the offer right after the
// phone sign-up, and on the account page "Khóa đăng nhập".
import { api } from './api.js';
import { builtInAvailable, create, defaultName, problemText, supported } from './passkeys.js';

async function start(root) {
  const button = root.querySelector('[data-create]');
  const error = root.querySelector('[data-error]');
  const nameField = root.querySelector('input[name="name"]');
  if (!(await builtInAvailable())) {
    // The offer after sign-up is skipped on a phone that cannot make one.
    if (root.dataset.skip) return location.replace(root.dataset.skip);
    if (!supported()) return;
  }
  root.hidden = false;
  if (nameField && !nameField.value) nameField.value = defaultName();
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    button.disabled = true;
    error.hidden = true;
    try {
      const options = await api('POST', '/passkeys/registration-options');
      const credential = await create(options);
      const name = (nameField && nameField.value.trim()) || defaultName();
      await api('POST', '/passkeys', { credential, name });
      location.assign(root.dataset.done);
    } catch (e) {
      const text = problemText(e);
      if (text) {
        error.textContent = text;
        error.hidden = false;
      }
      button.disabled = false;
    }
  });
  return null;
}

for (const root of document.querySelectorAll('[data-passkey-create]')) start(root);
