// While the code's SMS is still on its way to the gateway the page says
// "Đang gửi mã…", never "đã gửi"; this asks the server every 2 s (for at most
// 3 minutes) and puts what is true now into the same status line.
const line = document.querySelector('[data-progress]');
if (line) {
  const url = line.dataset.progress;
  const until = Date.now() + 180_000;
  const ask = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (response.ok) {
        const state = await response.json();
        if (state.message) line.textContent = state.message;
        if (!state.sending) return;
      }
    } catch {
      // Offline for a moment: ask again below.
    }
    if (Date.now() < until) setTimeout(ask, 2000);
  };
  setTimeout(ask, 1000);
}
