(doc) => {
  if (!doc) return [doc];
  const ok = confirm('Xóa văn bản "' + doc + '" khỏi chỉ mục? Văn bản sẽ không còn được tra cứu.');
  return [ok ? doc : null];
}
