// js_on_load of the source panel: after each new value, scroll the document box to the first cited mark
// and, if the mark is still off screen, the window to the panel (retried while the panel has no height).
// The panel's column id is replaced per tab by ui/tabs/common.py.
const show = (tries) => {
  const box = element.querySelector('.vb-source-text');
  const mark = box && box.querySelector('mark.vb-cited');
  if (!mark) return;
  if (box.clientHeight === 0) { if (tries > 0) setTimeout(() => show(tries - 1), 50); return; }
  box.scrollTop = Math.max(0, mark.offsetTop - 32);
  const r = mark.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) {
    // the panel fits the screen: bring its top to the top of the window and the mark is in view
    const col = document.getElementById('vb-source-col') || element;
    window.scrollBy({top: col.getBoundingClientRect().top - 8, behavior: 'instant'});
  }
};
const soon = () => { requestAnimationFrame(() => show(40)); setTimeout(() => show(0), 700); };
watch('value', soon);
soon();
