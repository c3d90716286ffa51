// Practice session helpers: character counter, keyboard shortcuts, time spent, mock-interview countdown,
// and a draft of the typed answer that survives a reload.
// Everything here is an enhancement: the forms work without it.
(() => {
  // The countdown turns urgent (and says so to screen readers once) in its last seconds.
  const URGENT_SECONDS = 30;
  const draftKey = (token) => `practice-draft:${token}`;

  function saveDraft(textarea) {
    const token = textarea.closest("[data-token]")?.dataset.token;
    if (!token) return;
    try {
      sessionStorage.setItem(draftKey(token), textarea.value);
    } catch (error) {
      // Storage full or disabled: the answer is only lost on reload, as before.
    }
  }

  function restoreDraft(card, textarea) {
    try {
      const draft = sessionStorage.getItem(draftKey(card.dataset.token));
      if (draft && !textarea.value) textarea.value = draft;
    } catch (error) {
      // Storage disabled: nothing to restore.
    }
  }

  function clearDraft(token) {
    try {
      if (token) sessionStorage.removeItem(draftKey(token));
    } catch (error) {
      // Storage disabled: nothing was kept.
    }
  }

  // The form whose answer was sent, and its token: its draft goes only after a successful response.
  let sentDraft = null;
  let startedAt = Date.now();
  let countdown = null;
  // Keys act only once htmx has finished swapping a card in; a key pressed mid-swap could submit twice.
  let ready = true;

  const isTyping = (element) =>
    element && (element.tagName === "TEXTAREA" || element.tagName === "SELECT" ||
      (element.tagName === "INPUT" && !["checkbox", "radio", "button", "submit"].includes(element.type)));

  function updateCounter(textarea) {
    const output = document.querySelector(`[data-counter-for="${textarea.id}"]`);
    // The limit is the textarea's own maxlength, rendered from the form field.
    if (output) output.textContent = `${textarea.value.length.toLocaleString("en")} / ${textarea.maxLength.toLocaleString("en")} characters`;
  }

  function submitCard(form, extra) {
    const duration = form.querySelector("[data-duration]");
    if (duration && !duration.value) duration.value = String(Date.now() - startedAt);
    if (extra) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = extra;
      input.value = "1";
      form.appendChild(input);
    }
    form.requestSubmit();
  }

  function startCountdown(card) {
    clearInterval(countdown);
    const timer = card.querySelector("[data-countdown]");
    if (!timer) return;
    const deadline = Date.now() + Number(timer.dataset.seconds) * 1000;
    const text = timer.querySelector("[data-countdown-text]");
    const alert = timer.querySelector("[data-countdown-alert]");
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      text.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      if (left <= URGENT_SECONDS && !timer.classList.contains("timer-urgent")) {
        timer.classList.add("timer-urgent");
      }
      if (left <= URGENT_SECONDS && alert && !alert.textContent) {
        alert.textContent = `${left} seconds left.`;
      }
      if (left === 0) {
        clearInterval(countdown);
        const form = card.querySelector("[data-answer-form]");
        if (form) submitCard(form, "timed_out");
      }
    };
    tick();
    countdown = setInterval(tick, 250);
  }

  function setUp(root) {
    ready = true;
    const card = root.id === "practice-card" ? root : root.querySelector?.("#practice-card");
    if (!card) return;
    if (card.dataset.card === "question") {
      startedAt = Date.now();
      const textarea = card.querySelector("textarea");
      if (textarea) {
        restoreDraft(card, textarea);
        updateCounter(textarea);
        textarea.focus();
      }
      startCountdown(card);
    } else if (card.dataset.card === "mock-review") {
      clearInterval(countdown);
      // Stay with the answers: focus the first one still to rate, not the top of the page.
      const next = card.querySelector(".mock-answer form")?.closest(".mock-answer")?.querySelector("h2");
      (next || card.querySelector("h1"))?.focus();
    } else {
      clearInterval(countdown);
      const heading = card.querySelector("h1");
      if (heading) heading.focus();
    }
  }

  // Mock review: the suggested rating follows the ticks, by the server's rule (suggested_rating_from_ticks)
  // with its bands read from the form; the server still decides what is stored when the answer is rated.
  function suggestionFromTicks(form) {
    const boxes = form.querySelectorAll("input[name=key_points]");
    const ticked = form.querySelectorAll("input[name=key_points]:checked").length;
    const coverage = boxes.length ? Number((ticked / boxes.length).toFixed(4)) : 0;  // as coverage_of rounds
    if (coverage < Number(form.dataset.againBelow)) return 1;
    if (coverage < Number(form.dataset.hardBelow)) return 2;
    return 3;
  }

  function showSuggestion(form) {
    const suggested = String(suggestionFromTicks(form));
    form.querySelectorAll("button[name=rating]").forEach((button) => {
      const isSuggested = button.value === suggested;
      button.classList.toggle("suggested", isSuggested);
      button.querySelector(".rating-suggested")?.remove();
      if (isSuggested) {
        const tag = document.createElement("span");
        tag.className = "rating-suggested";
        tag.textContent = "Suggested";
        button.querySelector(".rating-interval").after(tag);
        const status = form.querySelector("[data-suggestion-status]");
        if (status) status.textContent = `Suggested rating: ${button.querySelector(".rating-label").textContent}.`;
      }
    });
  }

  document.addEventListener("change", (event) => {
    const form = event.target.closest("form[data-suggest-from-ticks]");
    if (form && event.target.name === "key_points") showSuggestion(form);
  });

  document.addEventListener("input", (event) => {
    if (event.target.matches("textarea[id]")) updateCounter(event.target);
    if (event.target.matches("#id_answer_text")) saveDraft(event.target);
  });

  document.addEventListener("submit", (event) => {
    const duration = event.target.querySelector("[data-duration]");
    if (duration && !duration.value) duration.value = String(Date.now() - startedAt);
    // A rated answer (or a mock answer handed in) is done with its draft once the server has taken it.
    const card = event.target.closest("#practice-card");
    const rated = event.target.id === "rate-form" && event.submitter?.name === "rating";
    if (card && (rated || (card.hasAttribute("data-mock") && event.target.matches("[data-answer-form]")))) {
      sentDraft = { form: event.target, token: event.target.querySelector("input[name=token]")?.value };
    }
  }, true);

  document.addEventListener("keydown", (event) => {
    const card = document.getElementById("practice-card");
    if (!card || event.altKey || event.metaKey || event.ctrlKey) {
      // Ctrl/Cmd+Enter in the answer box reveals (or moves on in a mock interview).
      if (card && (event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.matches("#id_answer_text")) {
        event.preventDefault();
        submitCard(event.target.form);
      }
      return;
    }
    if (event.key === "Escape" && isTyping(document.activeElement)) {
      document.activeElement.blur();
      return;
    }
    if (isTyping(event.target) || !ready) return;
    // Space and digits keep their usual meaning on links, buttons and the disclosure of the tools.
    if (event.target.closest("a, button, summary, nav")) return;
    if (event.key === " " && card.dataset.card === "question") {
      event.preventDefault();
      submitCard(card.querySelector("[data-answer-form]"));
    } else if (["1", "2", "3", "4"].includes(event.key) && card.dataset.card === "reveal") {
      const button = card.querySelector(`[data-rating-key="${event.key}"]`);
      if (button) {
        event.preventDefault();
        ready = false;
        button.click();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", () => setUp(document));
  document.addEventListener("htmx:beforeRequest", () => {
    ready = false;
  });
  // htmx:load comes after htmx has processed the new content, so its buttons are wired up by then;
  // a key pressed between the swap and then would post the form without htmx.
  document.addEventListener("htmx:load", (event) => setUp(event.target));
  // htmx 2 fires htmx:load only for elements: a plain-text swap (the note or report status) ends here.
  // Such a swap leaves the card's buttons as they were, so keys work again as soon as it is in.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target?.id !== "practice-card") ready = true;
  });
  document.addEventListener("htmx:afterSettle", () => {
    ready = true;
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (!event.detail.successful) ready = true;
  });
  // Before the response is swapped in (afterwards the form is gone and its events no longer reach here):
  // a successful answer is done with its draft; a failed or unsent one keeps it.
  document.addEventListener("htmx:beforeOnLoad", (event) => {
    const status = event.detail.xhr?.status ?? 0;
    if (sentDraft && event.detail.elt === sentDraft.form) {
      if (status >= 200 && status < 300) clearDraft(sentDraft.token);
      sentDraft = null;
    }
  });
})();
