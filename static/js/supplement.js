// The supplement page: photograph the papers the office asked for again.
// Each photo is shrunk on the phone (shrink.js), then sent on its own, so one
// failed upload on a weak connection never loses the others.
const root = document.getElementById('supplement');

function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function send(method, path, body) {
  const response = await fetch('/api/v1' + path, {
    method,
    body,
    credentials: 'same-origin',
    headers: { 'X-CSRFToken': root.dataset.csrf, Accept: 'application/json' },
  });
  if (response.ok) return response.status === 204 ? null : response.json();
  let message = 'Không gửi được ảnh. Hãy kiểm tra kết nối mạng rồi thử lại.';
  try {
    message = (await response.json()).error.message || message;
  } catch {
    // not JSON (e.g. a proxy's error page): keep the general message
  }
  throw new Error(message);
}

function tile(section, upload, src) {
  const item = document.createElement('li');
  item.dataset.upload = upload.id;
  const image = document.createElement('img');
  image.src = src || upload.url;
  image.alt = `${section.dataset.title}, ảnh mới`;
  const state = document.createElement('span');
  state.className = 'state';
  state.textContent = 'Ảnh mới';
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'button secondary';
  remove.dataset.remove = upload.id;
  remove.textContent = 'Xoá';
  item.append(image, state, remove);
  return item;
}

async function addFiles(section, files, shrinkPhoto) {
  const status = section.querySelector('.saved');
  const list = section.querySelector('.photos');
  for (const file of files) {
    status.textContent = 'Đang tải ảnh lên…';
    let blob;
    try {
      blob = await shrinkPhoto(file);
    } catch (error) {
      status.textContent = error.message || 'Không đọc được ảnh này. Hãy chụp lại.';
      continue;
    }
    const form = new FormData();
    form.append('attachment_id', section.dataset.attachment);
    form.append('client_id', newId());
    form.append('file', blob, 'trang.jpg');
    try {
      const upload = await send('POST', `/dossiers/${root.dataset.code}/uploads`, form);
      list.append(tile(section, upload));
      status.textContent = 'Đã tải lên ảnh mới.';
    } catch (error) {
      status.textContent = error.message;
    }
  }
}

async function start() {
  const { shrinkPhoto } = await import(root.dataset.shrink);
  for (const section of root.querySelectorAll('.paper')) {
    for (const picker of section.querySelectorAll('.camera')) {
      picker.hidden = false;
      const input = picker.querySelector('input');
      input.addEventListener('change', () => {
        const files = [...input.files];
        input.value = '';
        addFiles(section, files, shrinkPhoto);
      });
    }
    section.addEventListener('click', async (event) => {
      const button = event.target.closest('[data-remove]');
      if (!button) return;
      const status = section.querySelector('.saved');
      try {
        await send('DELETE', `/dossiers/${root.dataset.code}/uploads/${button.dataset.remove}`);
        button.closest('li').remove();
        status.textContent = 'Đã xoá ảnh.';
      } catch (error) {
        status.textContent = error.message;
      }
    });
  }
}

if (root) start();
