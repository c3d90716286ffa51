// A disclosure whose summary says what it will do: "Show answer" while closed, "Hide answer" while open.
// Without JavaScript the summary keeps the closed label, and the disclosure still works.
(() => {
  const relabel = (details) => {
    const summary = details.querySelector(":scope > summary[data-open-label]");
    if (summary) summary.textContent = details.open ? summary.dataset.openLabel : summary.dataset.closedLabel;
  };
  // "toggle" does not bubble: listen in the capture phase to catch every disclosure.
  document.addEventListener("toggle", (event) => relabel(event.target), true);
  document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("details").forEach(relabel));
})();
