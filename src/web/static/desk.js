// Keeps the home page's desk current: fetches /desk/panels every 30 s while the tab is visible and swaps the
// panels in. Without it the page is still whole; a failed fetch keeps what is shown.
const desk = document.getElementById('desk');
if (desk) {
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const res = await fetch(desk.dataset.refresh, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (res.ok && (res.headers.get('content-type') || '').startsWith('text/html')) desk.innerHTML = await res.text();
    } catch {
      // offline for a moment: try again next time
    }
  };
  setInterval(refresh, 30_000);
  document.addEventListener('visibilitychange', refresh);
}
