// "Copy verification link" buttons: shown only where the clipboard can be used.
(function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var status = button.closest("article").querySelector(".copy-status");
      navigator.clipboard.writeText(button.dataset.copy).then(
        function () { status.textContent = "Verification link copied."; },
        function () { status.textContent = "Could not copy. The link is: " + button.dataset.copy; }
      );
    });
  });
})();
