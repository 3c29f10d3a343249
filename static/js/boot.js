// On every page: the service worker, the outbox (sent on page open and when
// the network returns; iOS has no Background Sync), and the install button.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker
    .register('/service-worker.js', { type: 'module', scope: '/' })
    .catch(() => {}); // the site still works, only without offline use
}

// The app shell and the offline page stand in for a page the network was
// too slow or unable to give: late-page.js opens the real one when it comes.
if (document.querySelector('[data-fallback]')) import('./late-page.js');

async function sendWaiting() {
  if (!('indexedDB' in window)) return;
  // A first visit has no database yet: don't load the outbox code for nothing.
  if (indexedDB.databases && !(await indexedDB.databases()).some((d) => d.name === 'lienthong')) {
    return;
  }
  const { pending, processOutbox } = await import('./outbox.js');
  if ((await pending()).length) processOutbox();
}
window.addEventListener('load', () => { if (navigator.onLine) sendWaiting(); });
window.addEventListener('online', sendWaiting);

const install = document.querySelector('[data-install]');
if (install) {
  const standalone =
    matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;
  const ios = /iphone|ipad|ipod/i.test(navigator.userAgent);
  if (!standalone && ios) {
    install.hidden = false;
    install.querySelector('[data-install-ios]').hidden = false;
  }
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    install.hidden = false;
    const button = install.querySelector('[data-install-button]');
    button.hidden = false;
    button.addEventListener('click', async () => {
      event.prompt();
      const choice = await event.userChoice;
      if (choice.outcome === 'accepted') install.hidden = true;
    }, { once: true });
  });
}
