/**
 * A plain-text table: a header row and aligned columns, two spaces apart. The last column is not
 * padded, so long values (messages, DNS names) do not push trailing spaces.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `${indent}${cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}`.trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** Items joined with ", " into lines of at most `width` characters (an item longer than that gets its own line). */
export function wrapList(items: readonly string[], width: number, indent = '    '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const piece = i < items.length - 1 ? `${item},` : item;
    if (line !== '' && indent.length + line.length + 1 + piece.length > width) {
      lines.push(`${indent}${line}`);
      line = piece;
    } else line = line === '' ? piece : `${line} ${piece}`;
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}
