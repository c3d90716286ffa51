// "Copy link" buttons: <button data-copy="FIELD-ID" hidden> next to a read-only field.
// Without JavaScript the button stays hidden and the field can be selected and copied by hand;
// where the clipboard is not available, the button selects the field's text instead.
(function () {
  "use strict";

  function say(button, text) {
    const status = document.getElementById(button.dataset.copy + "-status");
    if (status) status.textContent = text;
  }

  function selectField(field) {
    field.focus();
    field.select();
  }

  function setUp() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      const field = document.getElementById(button.dataset.copy);
      if (!field) return;
      button.hidden = false;
      const hint = document.getElementById(button.dataset.copy + "-hint");
      if (hint) hint.hidden = true;
      button.addEventListener("click", function () {
        const fallback = function () {
          selectField(field);
          say(button, "The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.");
        };
        if (!navigator.clipboard || !window.isSecureContext) {
          fallback();
          return;
        }
        navigator.clipboard.writeText(field.value).then(function () {
          say(button, "Link copied.");
        }, fallback);
      });
      field.addEventListener("focus", function () {
        field.select();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
