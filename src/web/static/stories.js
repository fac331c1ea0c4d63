// Keyboard navigation on /stories: j / k move between stories, o or Enter opens the focused one, / focuses
// the search box. Keys typed into a field are left alone.
const links = () => [...document.querySelectorAll('.story-hit h2 a')];
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))) return;
  const all = links();
  const at = all.indexOf(document.activeElement);
  if (e.key === '/') {
    e.preventDefault();
    document.getElementById('q')?.focus();
  } else if ((e.key === 'j' || e.key === 'k') && all.length) {
    e.preventDefault();
    const next = e.key === 'j' ? Math.min(all.length - 1, at + 1) : Math.max(0, at < 0 ? 0 : at - 1);
    all[next].focus();
    all[next].closest('.story-hit')?.scrollIntoView({ block: 'nearest' });
  } else if (e.key === 'o' && at >= 0) {
    all[at].click();
  }
});
