// The supplement page: photograph the papers the office asked for again.
// Each photo is shrunk on the phone (shrink.js), then sent on its own, so one
// failed upload on a weak connection never loses the others.
import { api, newId, setCsrf } from './api.js';

const root = document.getElementById('supplement');
if (root) setCsrf(root.dataset.csrf);

// The API client's deadline and messages; a failure that is the network's
// gets this page's own advice, since nothing here is kept on the phone.
async function send(method, path, body) {
  try {
    return await api(method, path, body);
  } catch (error) {
    if (error.offline) throw new Error('Không gửi được ảnh vì mạng yếu hoặc mất mạng. Hãy chọn lại ảnh khi có mạng.');
    throw error;
  }
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
  remove.textContent = 'Xóa';
  item.append(image, state, remove);
  return item;
}

async function addFiles(section, files, shrinkPhoto, mode) {
  const status = section.querySelector('.saved');
  const list = section.querySelector('.photos');
  for (const file of files) {
    status.textContent = 'Đang tải ảnh lên…';
    let blob;
    try {
      blob = await shrinkPhoto(file, mode); // document mode: papers only
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
  const { shrinkPhoto, DOCUMENT } = await import(root.dataset.shrink);
  for (const section of root.querySelectorAll('.paper')) {
    for (const picker of section.querySelectorAll('.camera')) {
      picker.hidden = false;
      const input = picker.querySelector('input');
      input.addEventListener('change', () => {
        const files = [...input.files];
        input.value = '';
        addFiles(section, files, shrinkPhoto, DOCUMENT);
      });
    }
    section.addEventListener('click', async (event) => {
      const button = event.target.closest('[data-remove]');
      if (!button) return;
      const status = section.querySelector('.saved');
      try {
        await send('DELETE', `/dossiers/${root.dataset.code}/uploads/${button.dataset.remove}`);
        button.closest('li').remove();
        status.textContent = 'Đã xóa ảnh.';
      } catch (error) {
        status.textContent = error.message;
      }
    });
    // The page renders them disabled: a tap before this listener did nothing.
    for (const button of section.querySelectorAll('[data-remove]')) button.disabled = false;
  }
}

if (root) start();
