// Keeps a queued or running matching run's status up to date: polls the page every 2 s, shows the
// new progress in place and reloads once the run has finished. No inline script (CSP).
document.addEventListener("DOMContentLoaded", () => {
  const status = document.querySelector("#run-status[data-poll]");
  if (!status) {
    return;
  }
  const poll = async () => {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      const html = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = html.querySelector("#run-status");
      if (!fresh) {
        return;
      }
      if (!fresh.hasAttribute("data-poll")) {
        window.location.reload();
        return;
      }
      status.innerHTML = fresh.innerHTML;
    } catch (error) {
      // A network hiccup: try again at the next tick.
    }
    window.setTimeout(poll, 2000);
  };
  window.setTimeout(poll, 2000);
});
