// Small progressive enhancements; every page works without them except uploads.
const token = () => document.querySelector('meta[name="csrf-token"]')?.content ?? '';

// A destructive form asks first.
document.addEventListener('submit', (event) => {
  const message = event.target.dataset?.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

export { token };
