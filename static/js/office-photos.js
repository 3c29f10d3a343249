// Dossier photos on the office page: open one large, zoom in and out, rotate.
// Transforms are set through the CSSOM, which the CSP (no inline styles) allows.
const viewer = document.getElementById('viewer');
const image = document.getElementById('viewer-image');
let scale = 1;
let turn = 0;
let opener = null;

function apply() {
  image.style.transform = `rotate(${turn}deg) scale(${scale})`;
  image.dataset.scale = String(scale);
  image.dataset.rotation = String(turn % 360);
}

function open(button) {
  opener = button;
  scale = 1;
  turn = 0;
  image.src = button.dataset.src;
  apply();
  viewer.hidden = false;
  viewer.querySelector('[data-close]').focus();
}

function close() {
  viewer.hidden = true;
  image.removeAttribute('src');
  if (opener) opener.focus();
}

if (viewer && image) {
  for (const button of document.querySelectorAll('.photo-open')) {
    button.addEventListener('click', () => open(button));
    button.disabled = false; // rendered disabled until this listener is on
  }
  viewer.addEventListener('click', (event) => {
    const target = event.target.closest('button');
    if (!target) return;
    if (target.dataset.zoom === 'in') scale = Math.min(scale * 1.5, 8);
    if (target.dataset.zoom === 'out') scale = Math.max(scale / 1.5, 0.25);
    if ('rotate' in target.dataset) turn += 90;
    if ('close' in target.dataset) return close();
    apply();
  });
  document.addEventListener('keydown', (event) => {
    if (viewer.hidden) return;
    if (event.key === 'Escape') close();
    if (event.key === '+') { scale = Math.min(scale * 1.5, 8); apply(); }
    if (event.key === '-') { scale = Math.max(scale / 1.5, 0.25); apply(); }
    if (event.key === 'r') { turn += 90; apply(); }
  });
}
