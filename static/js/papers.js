// The filled declarations the citizen signs: download them, or share them
// through the phone's share sheet (a print shop, a relative over Zalo).
// The server fills each PDF from the draft's answers as it holds them, so the
// answers are synced first; each download is made fresh, never cached.
import { within } from './api.js';
import { el } from './dom.js';

// A 50 kB PDF at the 64 kbit/s a weak 3G link still carries, plus the
// server's JSON deadline: past this the link is not working.
const PAPER_DEADLINE_MS = 20000;
const OFFLINE =
  'Cần có mạng để tạo tờ khai điền sẵn. Hãy kết nối mạng rồi bấm lại. ' +
  'Nếu không có mạng, bạn có thể nhờ cán bộ xã in tờ khai tại Bộ phận một cửa.';
const NOT_READY =
  'Chưa tạo được tờ khai: máy chủ chưa có đủ thông tin của bản nháp này. ' +
  'Hãy đợi vài giây cho thông tin được lưu lên máy chủ rồi bấm lại.';

export const paperUrl = (draftId, attachmentId) =>
  `/ho-so/nhap/${encodeURIComponent(draftId)}/to-khai/${encodeURIComponent(attachmentId)}.pdf`;

const shortTitle = (attachment) => attachment.title.replace(/ đã ký$/, '');

async function fetchPaper(draftId, attachment) {
  let response;
  try {
    response = await within(
      fetch(paperUrl(draftId, attachment.id), { credentials: 'same-origin', cache: 'no-store' }),
      PAPER_DEADLINE_MS,
      null,
    );
  } catch {
    response = null;
  }
  if (!response) throw new Error(OFFLINE);
  if (response.status === 404) throw new Error(NOT_READY);
  if (!response.ok) throw new Error('Máy chủ chưa tạo được tờ khai. Hãy thử lại sau ít phút.');
  const blob = await response.blob();
  return {
    file: new File([blob], `${attachment.id}.pdf`, { type: 'application/pdf' }),
    code: response.headers.get('X-Paper-Code') || '',
  };
}

function save(file) {
  const url = URL.createObjectURL(file);
  const link = el('a', { href: url, download: file.name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

const canShareFiles = (files) =>
  typeof navigator.share === 'function' && typeof navigator.canShare === 'function' &&
  navigator.canShare({ files });

// Buttons for these attachments' papers. `ready` syncs the answers first
// and says whether the server has them.
export function paperPanel({ draftId, attachments, ready, heading }) {
  const status = el('p', { class: 'saved', role: 'status' });
  const codeNote = el('p', { class: 'hint', hidden: true });
  const showCode = (code) => {
    if (!code) return;
    codeNote.hidden = false;
    codeNote.textContent = `Mã tờ khai: ${code}. Không có máy in? Đọc mã này cho cán bộ xã ` +
      'để được in giúp tại Bộ phận một cửa.';
  };

  async function papers(list) {
    await ready();
    const out = [];
    for (const attachment of list) out.push(await fetchPaper(draftId, attachment));
    return out;
  }

  async function download(list) {
    status.textContent = 'Đang tạo tờ khai…';
    try {
      const made = await papers(list);
      for (const { file, code } of made) {
        save(file);
        showCode(code);
      }
      status.textContent = made.length > 1
        ? `Đã tải ${made.length} tờ khai. Mở thư mục Tải xuống để in.`
        : 'Đã tải tờ khai. Mở thư mục Tải xuống để in.';
    } catch (e) {
      status.textContent = e.message;
    }
  }

  async function share(list) {
    status.textContent = 'Đang tạo tờ khai…';
    let made;
    try {
      made = await papers(list);
    } catch (e) {
      status.textContent = e.message;
      return;
    }
    made.forEach(({ code }) => showCode(code));
    const files = made.map((m) => m.file);
    if (!canShareFiles(files)) {
      files.forEach(save);
      status.textContent = 'Điện thoại này không chia sẻ được tệp nên tờ khai đã được tải về. ' +
        'Mở thư mục Tải xuống để gửi hoặc in.';
      return;
    }
    try {
      await navigator.share({ files, title: list.length > 1 ? 'Tờ khai' : shortTitle(list[0]) });
      status.textContent = 'Đã mở chia sẻ tờ khai.';
    } catch (e) {
      if (e && e.name === 'AbortError') {
        status.textContent = 'Đã hủy chia sẻ.';
        return;
      }
      files.forEach(save);
      status.textContent = 'Chưa chia sẻ được nên tờ khai đã được tải về. Mở thư mục Tải xuống.';
    }
  }

  const rows = attachments.map((attachment) => el('li', {},
    el('button', { type: 'button', class: 'button secondary', onclick: () => download([attachment]) },
      `Tải ${shortTitle(attachment)} (PDF)`),
    el('button', { type: 'button', class: 'button secondary', onclick: () => share([attachment]) },
      `Chia sẻ ${shortTitle(attachment)}`)));
  const all = attachments.length > 1 && el('p', {},
    el('button', { type: 'button', class: 'button', onclick: () => download(attachments) },
      'Tải tất cả tờ khai'),
    el('button', { type: 'button', class: 'button secondary', onclick: () => share(attachments) },
      'Chia sẻ tất cả tờ khai'));
  return el('section', { class: 'papers', 'aria-label': heading },
    el('h2', {}, heading),
    el('p', {}, 'Ứng dụng đã điền sẵn tờ khai từ thông tin bạn khai. In ra, ghi ngày, ký và ghi ' +
      'rõ họ tên vào chỗ để trống, rồi chụp lại. Nếu sửa thông tin, hãy tải và in lại: ' +
      'cán bộ nhận ra bản in cũ.'),
    el('ul', { class: 'paper-list' }, rows), all, status, codeNote);
}
