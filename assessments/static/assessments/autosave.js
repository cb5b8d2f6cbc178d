// Save a quiz answer as the learner gives it, so closing the browser loses nothing.
// The form still works without JavaScript: this only saves earlier than the Save button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var kind = form.getAttribute("data-kind");
  var timer = null;

  function answer() {
    if (kind === "single") {
      var picked = form.querySelector("input[name=answer]:checked");
      return picked ? picked.value : null;
    }
    if (kind === "multiple") {
      return Array.prototype.map.call(form.querySelectorAll("input[name=answer]:checked"), function (box) {
        return box.value;
      });
    }
    if (kind === "order") {
      var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
      if (selects.some(function (s) { return !s.value; })) {
        return null;
      }
      return selects
        .slice()
        .sort(function (a, b) { return Number(a.value) - Number(b.value); })
        .map(function (s) { return s.name.replace("position-", ""); });
    }
    if (kind === "reflection") {
      var text = form.querySelector("textarea").value;
      return text.trim() ? text : null;
    }
    return null;
  }

  function save() {
    var value = answer();
    if (value === null || (Array.isArray(value) && !value.length)) {
      return;
    }
    fetch(form.getAttribute("data-autosave-url"), {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ answer: value }),
    }).then(function (response) {
      if (status) {
        status.textContent = response.ok ? "Answer saved." : "Not saved yet: use the button below.";
      }
    }).catch(function () {
      if (status) {
        status.textContent = "Not saved yet: use the button below.";
      }
    });
  }

  form.addEventListener("change", save);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") {
      clearTimeout(timer);
      timer = setTimeout(save, 1500);
    }
  });
})();
