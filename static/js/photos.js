// One attachment's page: take photos with the camera, preview, retake, delete, upload.
import { api, newId } from './api.js';
import { el } from './dom.js';

export function photoPage({ attachment, draft, shrinkPhoto, onChange }) {
  const list = el('ul', { class: 'photos', 'aria-live': 'polite' });
  const status = el('p', { class: 'saved', role: 'status' });
  const pages = () => draft.uploads.filter((u) => u.attachment_id === attachment.id);

  function tile(upload, { src, state, error } = {}) {
    const item = el(
      'li',
      {},
      el('img', { src: src || upload.url, alt: `${attachment.title}, trang ${upload.position + 1}` }),
      el('span', { class: error ? 'error' : 'state' }, error || state || `Trang ${upload.position + 1}`),
    );
    if (upload.id) {
      item.append(
        el('button', {
          type: 'button', class: 'button secondary',
          onclick: () => remove(upload, false),
        }, 'Xoá'),
        el('button', {
          type: 'button', class: 'button secondary',
          onclick: () => remove(upload, true),
        }, 'Chụp lại'),
      );
    }
    return item;
  }

  function redraw() {
    list.replaceChildren(...pages().map((u) => tile(u)));
    onChange();
  }

  async function remove(upload, retake) {
    try {
      await api('DELETE', `/drafts/${draft.id}/uploads/${upload.id}`);
      draft.uploads = draft.uploads.filter((u) => u.id !== upload.id);
      status.textContent = retake ? 'Đã xoá ảnh cũ. Hãy chụp lại.' : 'Đã xoá ảnh.';
      redraw();
      if (retake) cameraInput.click();
    } catch (e) {
      status.textContent = e.message;
    }
  }

  async function addFiles(files) {
    for (const file of files) {
      const position = pages().length;
      if (position >= (attachment.max_pages || 10)) {
        status.textContent = `Giấy tờ này chỉ cần tối đa ${attachment.max_pages} trang.`;
        break;
      }
      const pending = { position };
      let blob;
      try {
        blob = await shrinkPhoto(file);
      } catch {
        status.textContent = 'Không đọc được ảnh này. Hãy chụp lại.';
        continue;
      }
      const preview = URL.createObjectURL(blob);
      const item = tile(pending, { src: preview, state: 'Đang tải lên…' });
      list.append(item);
      const form = new FormData();
      form.append('attachment_id', attachment.id);
      form.append('client_id', newId().replaceAll('-', ''));
      form.append('position', String(position));
      form.append('file', blob, 'trang.jpg');
      try {
        const upload = await api('POST', `/drafts/${draft.id}/uploads`, form);
        draft.uploads.push(upload);
        status.textContent = `Đã tải lên trang ${position + 1}.`;
        redraw();
      } catch (e) {
        item.replaceWith(tile(pending, { src: preview, error: e.message }));
      } finally {
        URL.revokeObjectURL(preview);
      }
    }
  }

  const cameraInput = el('input', {
    type: 'file', accept: 'image/*', capture: 'environment', 'aria-label': 'Chụp ảnh',
    onchange: (e) => { addFiles([...e.target.files]); e.target.value = ''; },
  });
  const galleryInput = el('input', {
    type: 'file', accept: 'image/jpeg,image/png', multiple: true, 'aria-label': 'Chọn ảnh có sẵn',
    onchange: (e) => { addFiles([...e.target.files]); e.target.value = ''; },
  });
  list.replaceChildren(...pages().map((u) => tile(u)));
  return el(
    'div',
    {},
    attachment.hint && el('p', { class: 'hint' }, attachment.hint),
    el('p', {}, attachment.required ? 'Bắt buộc. ' : 'Không bắt buộc. ',
      `Chụp từng trang, tối đa ${attachment.max_pages || 10} trang. Đặt giấy trên mặt phẳng, đủ sáng, chụp rõ cả 4 góc.`),
    list,
    status,
    el('span', { class: 'camera button' }, 'Chụp ảnh', cameraInput),
    el('span', { class: 'camera button secondary' }, 'Chọn ảnh có sẵn', galleryInput),
  );
}
