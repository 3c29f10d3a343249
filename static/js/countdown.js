// "Gửi lại mã" stays disabled until the server would accept a new code, and
// says how long that is; the button itself is always in sight.
const button = document.querySelector('[data-wait]');
if (button) {
  let left = Number(button.dataset.wait) || 0;
  const label = button.textContent;
  const tick = () => {
    if (left <= 0) { button.disabled = false; button.textContent = label; return; }
    button.disabled = true;
    button.textContent = `${label} (sau ${left} giây)`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}
