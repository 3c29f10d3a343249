// On the app shell or the offline page that the service worker showed
// because the network was too slow: says so, and opens the real page when
// it has come (the worker keeps it for this reload). A citizen who has
// started typing or tapping is not interrupted: they get a button instead.
const url = location.href.split('#')[0];
let busy = false;
for (const type of ['input', 'pointerdown', 'keydown']) {
  document.addEventListener(type, () => { busy = true; }, { capture: true, once: true });
}

function notice() {
  let box = document.querySelector('[data-late-page]');
  if (!box) {
    box = document.createElement('div');
    box.className = 'notice';
    box.setAttribute('role', 'status');
    box.dataset.latePage = '';
    document.getElementById('main').prepend(box);
  }
  return box;
}

function show(state) {
  const title = document.querySelector('[data-offline-title]');
  if (state === 'pending') {
    if (title) title.textContent = 'Mạng đang chậm';
    notice().textContent = 'Mạng chậm nên trang chưa tải xong. Trong lúc chờ, đây là những gì ' +
      'được lưu trên điện thoại; trang sẽ tự mở khi tải xong.';
  } else if (state === 'ready') {
    if (!busy) {
      location.reload();
      return;
    }
    const box = notice();
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'button';
    open.textContent = 'Mở trang vừa tải xong';
    open.addEventListener('click', () => location.reload());
    box.replaceChildren('Trang đã tải xong. Những gì bạn vừa khai đã được lưu trên điện thoại.', open);
  } else {
    document.querySelector('[data-late-page]')?.remove();
    if (title) title.textContent = 'Bạn đang không có mạng';
  }
}

const worker = navigator.serviceWorker;
if (worker && worker.controller) {
  worker.addEventListener('message', (event) => {
    const { data } = event;
    if (data && data.type === 'late-page' && data.url === url) show(data.state);
  });
  worker.controller.postMessage({ type: 'late-page', url });
}
