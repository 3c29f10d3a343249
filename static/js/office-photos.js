// The dossier's papers, for reading: every page of every attachment in one
// viewer, next and previous, zoom that keeps every edge reachable, rotation,
// panning by pointer (mouse, finger, pen), pinch, and the keyboard.
//
// The page is drawn at its zoomed size inside a frame of the rotated size, in
// a scrolling stage: the stage's scroll range is then exactly the page, so the
// top and left edges are never cut off (a CSS scale() on a centred image put
// them out of scroll reach). Sizes and transforms go through the CSSOM, which
// the CSP (no inline styles) allows.
const viewer = document.getElementById('viewer');
const stage = document.getElementById('viewer-stage');
const frame = document.getElementById('viewer-frame');
const image = document.getElementById('viewer-image');
const label = document.getElementById('viewer-label');
const original = document.getElementById('viewer-original');
const pages = [...document.querySelectorAll('.photo-open')];
const STEP = 1.5;
const MAX = 8;
const MIN = 0.25;
// Rotation about the top left corner, then moved back into the frame.
const TURNS = {
  0: '',
  90: 'rotate(90deg) translateY(-100%)',
  180: 'rotate(180deg) translate(-100%, -100%)',
  270: 'rotate(270deg) translateX(-100%)',
};
let index = 0;
let scale = 1; // 1: the whole page fits the stage
let turn = 0;
let opener = null;

function turned() { return turn % 360; }

function apply(focus = null) {
  const w = image.naturalWidth;
  const h = image.naturalHeight;
  image.dataset.scale = String(Math.round(scale * 1000) / 1000);
  image.dataset.rotation = String(turned());
  if (!w || !h) return;
  const sideways = turned() % 180 !== 0;
  const fit = Math.min(stage.clientWidth / (sideways ? h : w), stage.clientHeight / (sideways ? w : h));
  // The point of the page under `focus` (the stage's centre by default) stays there.
  const fx = focus ? focus.x : stage.clientWidth / 2;
  const fy = focus ? focus.y : stage.clientHeight / 2;
  const rx = frame.offsetWidth ? (stage.scrollLeft + fx - frame.offsetLeft) / frame.offsetWidth : 0.5;
  const ry = frame.offsetHeight ? (stage.scrollTop + fy - frame.offsetTop) / frame.offsetHeight : 0.5;
  const iw = w * fit * scale;
  const ih = h * fit * scale;
  frame.style.width = `${sideways ? ih : iw}px`;
  frame.style.height = `${sideways ? iw : ih}px`;
  image.style.width = `${iw}px`;
  image.style.height = `${ih}px`;
  image.style.transform = TURNS[turned()];
  stage.scrollLeft = rx * frame.offsetWidth + frame.offsetLeft - fx;
  stage.scrollTop = ry * frame.offsetHeight + frame.offsetTop - fy;
}

function zoom(factor, focus) {
  scale = Math.min(Math.max(scale * factor, MIN), MAX);
  apply(focus);
}

function show(i) {
  index = (i + pages.length) % pages.length;
  const page = pages[index];
  scale = 1;
  turn = 0;
  image.alt = page.dataset.label;
  label.textContent = page.dataset.label;
  original.href = page.dataset.original;
  image.src = page.dataset.src;
  if (image.complete) apply();
}

function open(button) {
  opener = button;
  viewer.hidden = false;
  show(pages.indexOf(button));
  stage.focus();
}

function close() {
  viewer.hidden = true;
  image.removeAttribute('src');
  if (opener) opener.focus();
}

if (viewer && image) {
  image.addEventListener('load', () => apply());
  window.addEventListener('resize', () => { if (!viewer.hidden) apply(); });
  for (const button of pages) {
    button.addEventListener('click', () => open(button));
    button.disabled = false; // rendered disabled until this listener is on
  }
  viewer.addEventListener('click', (event) => {
    const target = event.target.closest('button');
    if (!target) return;
    if (target.dataset.zoom === 'in') zoom(STEP);
    if (target.dataset.zoom === 'out') zoom(1 / STEP);
    if (target.dataset.zoom === 'fit') { scale = 1; apply(); }
    if (target.dataset.page) show(index + Number(target.dataset.page));
    if ('rotate' in target.dataset) { turn += 90; apply(); }
    if ('close' in target.dataset) close();
  });
  document.addEventListener('keydown', (event) => {
    if (viewer.hidden) return;
    const keys = {
      Escape: close,
      '+': () => zoom(STEP),
      '=': () => zoom(STEP),
      '-': () => zoom(1 / STEP),
      0: () => { scale = 1; apply(); },
      r: () => { turn += 90; apply(); },
      R: () => { turn += 90; apply(); },
      PageDown: () => show(index + 1),
      PageUp: () => show(index - 1),
    };
    // Arrow keys, Home and End scroll the focused stage by themselves.
    if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
  });

  // Pointer panning, and pinching with two fingers.
  const down = new Map();
  let pinch = null;
  stage.addEventListener('pointerdown', (event) => {
    down.set(event.pointerId, { x: event.clientX, y: event.clientY });
    stage.setPointerCapture(event.pointerId);
    if (down.size === 2) {
      const [a, b] = [...down.values()];
      pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y), scale };
    }
  });
  stage.addEventListener('pointermove', (event) => {
    const last = down.get(event.pointerId);
    if (!last) return;
    const now = { x: event.clientX, y: event.clientY };
    down.set(event.pointerId, now);
    if (pinch && down.size === 2) {
      const [a, b] = [...down.values()];
      const box = stage.getBoundingClientRect();
      const centre = { x: (a.x + b.x) / 2 - box.left, y: (a.y + b.y) / 2 - box.top };
      const wanted = pinch.scale * (Math.hypot(a.x - b.x, a.y - b.y) / pinch.distance);
      zoom(wanted / scale, centre);
      return;
    }
    stage.scrollLeft -= now.x - last.x;
    stage.scrollTop -= now.y - last.y;
  });
  const lift = (event) => {
    down.delete(event.pointerId);
    if (down.size < 2) pinch = null;
  };
  stage.addEventListener('pointerup', lift);
  stage.addEventListener('pointercancel', lift);
  stage.addEventListener('wheel', (event) => {
    if (!event.ctrlKey) return; // a plain wheel scrolls the page
    event.preventDefault();
    const box = stage.getBoundingClientRect();
    zoom(event.deltaY < 0 ? STEP : 1 / STEP, { x: event.clientX - box.left, y: event.clientY - box.top });
  }, { passive: false });
}
