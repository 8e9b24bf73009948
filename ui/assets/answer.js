// js_on_load of the answer and comparison HTML: a [n] chip scrolls to card n and flashes it; a card's
// "Xem trong văn bản" marks the card active and triggers open_source with its n (the Python side opens
// the source panel).
element.addEventListener('click', (ev) => {
  const cite = ev.target.closest('.vb-cite');
  if (cite) {
    ev.preventDefault();
    const card = element.querySelector('#vb-card-' + cite.dataset.n);
    if (card) {
      card.scrollIntoView({behavior: 'smooth', block: 'center'});
      card.classList.remove('vb-flash'); void card.offsetWidth; card.classList.add('vb-flash');
    }
    return;
  }
  const open = ev.target.closest('.vb-open');
  if (open) {
    element.querySelectorAll('.vb-card.vb-active').forEach((c) => c.classList.remove('vb-active'));
    const card = open.closest('.vb-card');
    if (card) card.classList.add('vb-active');
    trigger('open_source', {n: Number(open.dataset.n)});
  }
});
