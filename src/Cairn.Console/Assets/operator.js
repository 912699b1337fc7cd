// While a scrub or repair pass runs, the storage page fetches its scrub and repair section again every second
// (?handler=progress: the same HTML the page renders) and swaps it in, until the pass is over. The rest of the page
// (durability figures, drives) is not reloaded: those are walks of the index the server would otherwise redo each time.
const interval = 1000;

async function follow() {
  const section = document.querySelector('section.progress[data-running="true"]');
  if (!section) return;
  try {
    const response = await fetch(`${window.location.pathname}?handler=progress`, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    if (response.ok) {
      const template = document.createElement('template');
      template.innerHTML = (await response.text()).trim();
      const fresh = template.content.querySelector('section.progress');
      if (fresh) section.replaceWith(fresh);
    }
  } catch {
    // The node restarting or the network hiccupping: the next tick tries again.
  }
  setTimeout(follow, interval);
}

setTimeout(follow, interval);
