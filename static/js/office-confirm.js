// Irreversible office actions (accept, refuse, stop, record a result, hand over):
// the first press shows, inside the form, what will happen and who will be told;
// only "Xác nhận …" sends it. On the page, never a browser dialog, so the
// officer reads the consequence next to the button and the keyboard stays there.
for (const form of document.querySelectorAll('form[data-confirm]')) {
  const panel = form.querySelector('.confirm-panel');
  const send = [...form.querySelectorAll('button[type="submit"]')];
  const yes = panel.querySelector('[data-confirm-yes]');
  const no = panel.querySelector('[data-confirm-no]');

  form.addEventListener('submit', (event) => {
    if (form.dataset.confirmed === '1') return;
    event.preventDefault();
    panel.hidden = false;
    for (const button of send) button.hidden = true;
    yes.focus();
  });
  yes.addEventListener('click', () => {
    form.dataset.confirmed = '1';
    yes.disabled = true; // one press, one action
    form.requestSubmit();
  });
  no.addEventListener('click', () => {
    panel.hidden = true;
    for (const button of send) button.hidden = false;
    send[0]?.focus();
  });
}
