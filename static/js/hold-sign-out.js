// A classic script, run before the page is drawn: a tap on "Đăng xuất" made
// before leave.js (a module, run after the page's other modules) listens is
// held for it instead of signing out at once. Sent straight away, it skipped
// the warning about drafts and photos not sent yet, and left them on a shared
// phone. If leave.js never comes (a script that failed to load), the held
// sign-out goes on by itself after a few seconds: signing out must work.
(function () {
  var GIVE_UP_MS = 5000;
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.matches || !form.matches('form[data-sign-out]') || form.dataset.watched) return;
    event.preventDefault();
    if (form.dataset.held) return;
    form.dataset.held = '1';
    setTimeout(function () {
      if (!form.dataset.watched) HTMLFormElement.prototype.submit.call(form);
    }, GIVE_UP_MS);
  }, true);
})();
