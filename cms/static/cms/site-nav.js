// The site navigation on narrow screens: one "Menu" button that shows and hides the links.
// Without this script the links simply wrap onto more rows.
(function () {
  var nav = document.querySelector(".site-nav");
  var toggle = nav && nav.querySelector(".site-nav__toggle");
  if (!toggle) return;
  nav.classList.add("site-nav--menu");
  toggle.hidden = false;

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes the open menu and puts the focus back on its button.
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
})();
