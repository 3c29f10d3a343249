// The counter tablet: a full-screen button, and keep the screen awake while shown.
const button = document.getElementById('counter-full');

if (button && document.documentElement.requestFullscreen) {
  button.hidden = false;
  button.addEventListener('click', () => {
    document.documentElement.requestFullscreen().catch(() => {});
  });
  document.addEventListener('fullscreenchange', () => {
    button.hidden = Boolean(document.fullscreenElement);
  });
}

async function keepAwake() {
  try {
    if (navigator.wakeLock && document.visibilityState === 'visible') {
      await navigator.wakeLock.request('screen');
    }
  } catch {
    // Not allowed here (no user gesture, battery saver): the page still works.
  }
}
keepAwake();
document.addEventListener('visibilitychange', keepAwake);
