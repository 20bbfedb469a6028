// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so keyboard and screen reader users hear it.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// Idle sessions end after SESSION_COOKIE_AGE seconds. Two minutes before, warn and offer to stay; after, say
// so without leaving the page, so that nothing typed is lost.
(() => {
  const body = document.body;
  const seconds = Number(body.dataset.sessionSeconds || 0);
  const warning = document.querySelector("[data-session-warning]");
  if (!seconds || !warning) {
    return;
  }
  const expiring = warning.querySelector("[data-session-expiring]");
  const expired = warning.querySelector("[data-session-expired]");
  const stay = warning.querySelector("[data-session-stay]");
  const warnBefore = Math.min(120, seconds / 2);
  let warnTimer;
  let expireTimer;

  const start = () => {
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    warning.hidden = true;
    warnTimer = setTimeout(() => {
      warning.hidden = false;
      stay.focus();
    }, (seconds - warnBefore) * 1000);
    expireTimer = setTimeout(() => {
      expiring.hidden = true;
      stay.hidden = true;
      expired.hidden = false;
    }, seconds * 1000);
  };

  stay.addEventListener("click", async () => {
    const response = await fetch(body.dataset.keepaliveUrl, { credentials: "same-origin", redirect: "manual" });
    if (response.status === 204) {
      start();
    } else {
      expiring.hidden = true;
      stay.hidden = true;
      expired.hidden = false;
    }
  });
  start();
})();
