// While a scrub or repair pass runs, the storage page reloads itself every two seconds to follow it.
if (document.querySelector('[data-running="true"]')) {
  setTimeout(() => window.location.reload(), 2000);
}
