// sitegen serve: the build errors over the last good page (overlay.py). Preview only.
// Focused on load, so that a keyboard or screen reader user meets the errors first;
// dismissed with its button or Escape, until the next save reloads the page.
(function () {
  var panel = document.getElementById("sitegen-errors");
  var dismiss = document.getElementById("sitegen-errors-dismiss");
  if (!panel || !dismiss) return;
  function close() { panel.hidden = true; }
  dismiss.hidden = false;
  dismiss.addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) close();
  });
  panel.focus();
})();
