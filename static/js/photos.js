// One attachment's page: take photos with the camera, preview, retake,
// delete. Each photo is kept on the phone (IndexedDB) the moment it is taken
// and uploaded by the sync in the background, so a closed tab or a dropped
// connection loses nothing.
import { newId } from './api.js';
import { el } from './dom.js';
import { checkPhoto } from './photo-check.js';
import { put, storageRoom } from './store.js';
import { events as syncEvents } from './sync.js';

export function photoPage({
  attachment, draftId, shrinkPhoto, DOCUMENT, DOCUMENT_GREY, pages, afterChange,
}) {
  const list = el('ul', { class: 'photos', 'aria-live': 'polite' });
  const status = el('p', { class: 'saved', role: 'status' });
  let urls = [];

  function stateOf(page) {
    if (page.error) return { error: page.error };
    if (page.upload_id || page.url) return { text: 'Đã tải lên' };
    return { text: navigator.onLine ? 'Đang tải lên…' : 'Đã lưu trên máy, chờ có mạng' };
  }

  async function redraw() {
    for (const url of urls) URL.revokeObjectURL(url);
    urls = [];
    const current = await pages(attachment.id);
    list.replaceChildren(...current.map((page, index) => {
      const src = page.blob ? URL.createObjectURL(page.blob) : page.url;
      if (page.blob) urls.push(src);
      const { text, error } = stateOf(page);
      return el('li', { 'data-client': page.client_id },
        el('img', { src, alt: `${attachment.title}, trang ${index + 1}` }),
        el('span', { class: error ? 'error' : 'state' }, error || `Trang ${index + 1}: ${text}`),
        // Each button names its page: a screen reader listing the buttons
        // hears "Xóa trang 2", not five times "Xóa".
        el('button', {
          type: 'button', class: 'button secondary', 'aria-label': `Xóa trang ${index + 1}`,
          onclick: () => drop(page, false),
        }, 'Xóa'),
        el('button', {
          type: 'button', class: 'button secondary', 'aria-label': `Chụp lại trang ${index + 1}`,
          onclick: () => drop(page, true),
        }, 'Chụp lại'));
    }));
  }

  async function drop(page, retake) {
    // Always leave a mark for the sync, even for a photo not known to be
    // uploaded: its upload may be in flight, and the server's copy must go too.
    await put('photos', {
      client_id: page.client_id, draft_id: draftId, attachment_id: attachment.id,
      position: page.position, blob: null, deleted: true,
    });
    status.textContent = retake ? 'Đã xóa ảnh cũ. Hãy chụp lại.' : 'Đã xóa ảnh.';
    await redraw();
    afterChange();
    if (retake) cameraInput.click();
  }

  async function addFiles(files) {
    for (const file of files) {
      const current = await pages(attachment.id);
      if (current.length >= (attachment.max_pages || 10)) {
        status.textContent = `Giấy tờ này chỉ cần tối đa ${attachment.max_pages} trang.`;
        break;
      }
      let blob;
      try {
        // Document mode: half the bytes on 3G, as legible; grey only for the
        // forms the app printed, never for papers with a red seal.
        blob = await shrinkPhoto(file, attachment.form ? DOCUMENT_GREY : DOCUMENT);
      } catch (e) {
        status.textContent = e.message || 'Không đọc được ảnh này. Hãy chụp lại.';
        continue;
      }
      // The camera's picture is judged, not the contrast-stretched copy.
      const { problems } = await checkPhoto(file);
      if (problems.length && !(await keepAnyway(blob, problems))) {
        status.textContent = 'Đã bỏ ảnh vừa chụp. Hãy chụp lại.';
        cameraInput.click();
        break;
      }
      const room = await storageRoom();
      try {
        await put('photos', {
          client_id: newId().replaceAll('-', ''),
          draft_id: draftId,
          attachment_id: attachment.id,
          position: Math.max(-1, ...current.map((p) => p.position ?? -1)) + 1,
          blob,
          created: Date.now(),
        });
      } catch (e) {
        status.textContent = e.message;
        continue;
      }
      status.textContent = room.ok
        ? `Đã lưu trang ${current.length + 1} trên điện thoại.`
        : 'Đã lưu ảnh, nhưng bộ nhớ điện thoại sắp đầy. Hãy kết nối mạng để gửi ảnh lên, ' +
          'hoặc xóa bớt ảnh, video không dùng trước khi chụp tiếp.';
      await redraw();
      afterChange();
    }
  }

  // What the photo check found, with the photo: retake it, or keep it anyway
  // (the check can be wrong; an officer still reads the photo).
  const review = el('div', { class: 'photo-review', hidden: true });
  function keepAnyway(blob, problems) {
    return new Promise((resolve) => {
      const url = URL.createObjectURL(blob);
      const done = (keep) => {
        review.hidden = true;
        review.replaceChildren();
        URL.revokeObjectURL(url);
        resolve(keep);
      };
      review.replaceChildren(
        el('h2', { tabindex: '-1' }, 'Ảnh này có thể khó đọc'),
        el('img', { src: url, alt: `Ảnh vừa chụp: ${attachment.title}` }),
        el('ul', { role: 'alert' }, problems.map((p) => el('li', {}, p.message))),
        el('button', { type: 'button', class: 'button', onclick: () => done(false) }, 'Chụp lại'),
        el('button', { type: 'button', class: 'button secondary', onclick: () => done(true) },
          'Vẫn giữ ảnh này'));
      review.hidden = false;
      review.querySelector('h2').focus();
    });
  }

  const onSync = (event) => {
    if (!list.isConnected) return syncEvents.removeEventListener('photo', onSync);
    if (event.detail.draftId === draftId) redraw();
  };
  syncEvents.addEventListener('photo', onSync);
  syncEvents.addEventListener('synced', onSync);

  const cameraInput = el('input', {
    type: 'file', accept: 'image/*', capture: 'environment', 'aria-label': 'Chụp ảnh',
    onchange: (e) => { addFiles([...e.target.files]); e.target.value = ''; },
  });
  const galleryInput = el('input', {
    type: 'file', accept: 'image/jpeg,image/png', multiple: true, 'aria-label': 'Chọn ảnh có sẵn',
    onchange: (e) => { addFiles([...e.target.files]); e.target.value = ''; },
  });
  redraw();
  return el(
    'div',
    {},
    attachment.hint && el('p', { class: 'hint' }, attachment.hint),
    el('p', {}, attachment.required ? 'Bắt buộc. ' : 'Không bắt buộc. ',
      `Chụp từng trang, tối đa ${attachment.max_pages || 10} trang. Đặt giấy trên mặt phẳng, đủ sáng, chụp rõ cả 4 góc.`),
    review,
    list,
    status,
    el('span', { class: 'camera button' }, 'Chụp ảnh', cameraInput),
    el('span', { class: 'camera button secondary' }, 'Chọn ảnh có sẵn', galleryInput),
  );
}
