(md) => {
  const button = document.querySelector('#vb-copy');
  const done = () => {
    if (!button) return;
    const label = button.textContent;
    button.textContent = 'Đã sao chép ✓';
    setTimeout(() => { button.textContent = label; }, 1600);
  };
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = md || '';
    area.setAttribute('readonly', '');
    area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); done(); } finally { area.remove(); }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(md || '').then(done, fallback);
  } else {
    fallback();
  }
  return [];
}
