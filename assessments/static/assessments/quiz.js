// Quiz pages: take keyboard and screen-reader users to what just changed, refuse an empty
// answer before it is sent, and fold the result's review. Without JavaScript every page still
// works: the server refuses an empty answer with the same message, and the review stays open.
(function () {
  "use strict";

  // After "Check answer" (or a refused answer) the page reloads: move focus to the feedback or
  // the error, so the learner does not start again from the top of the page.
  var target = document.querySelector("[data-focus-on-load]");
  if (target) {
    target.focus();
  }

  // A live region filled after load is announced; one already full when the page loads is not.
  var announcer = document.getElementById("check-announcer");
  if (announcer) {
    window.setTimeout(function () {
      announcer.textContent = announcer.getAttribute("data-announce").trim();
    }, 150);
  }

  // Enter on a radio button submits the form even when nothing is chosen: say what is missing instead.
  var form = document.querySelector("form.question-form");
  if (form) {
    var kind = form.getAttribute("data-kind");
    var name = kind === "branching" ? "choice" : "answer";
    var message = { single: "Choose one of the options.", multiple: "Choose at least one option.",
                    branching: "Choose one of the options for this step." }[kind];
    form.addEventListener("submit", function (event) {
      if (!message || form.querySelector("input[name=" + name + "]:checked")) {
        return;
      }
      event.preventDefault();
      var fieldset = form.querySelector("fieldset");
      var error = document.getElementById("answer-error");
      if (!error) {
        error = document.createElement("p");
        error.id = "answer-error";
        error.className = "errorlist answer-error";
        error.tabIndex = -1;
        fieldset.querySelector("legend").insertAdjacentElement("afterend", error);
        fieldset.setAttribute("aria-describedby", "answer-error");
      }
      error.textContent = message;
      error.focus();
    });
  }

  // The result's review: one control to open or fold every question at once.
  var controls = document.querySelector(".review__controls");
  if (controls) {
    controls.hidden = false;
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("[data-review-toggle]");
      if (!button) {
        return;
      }
      var open = button.getAttribute("data-review-toggle") === "open";
      document.querySelectorAll(".review-item details").forEach(function (details) {
        details.open = open;
      });
    });
  }
})();
