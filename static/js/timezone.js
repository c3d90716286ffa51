// Fill a hidden time-zone field with the browser's IANA zone (sign-up), so "today" is the user's today.
document.querySelectorAll("input[data-detect-timezone]").forEach((input) => {
  try {
    input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    input.value = "";
  }
});
