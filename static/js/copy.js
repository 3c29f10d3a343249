// A copy button for the dossier code, shown only where the clipboard works.
for (const button of document.querySelectorAll('[data-copy]')) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      button.textContent = 'Đã sao chép mã';
    } catch {
      button.textContent = 'Không sao chép được: hãy ghi lại mã';
    }
  });
}
