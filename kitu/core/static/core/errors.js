// Moves the focus to a form's error summary when the page loads with one (GOV.UK error summary pattern),
// so screen reader and keyboard users hear what to correct first. Without JavaScript the summary is the
// first thing in the form anyway.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".kitu-error-summary");
  if (summary) summary.focus();
});
