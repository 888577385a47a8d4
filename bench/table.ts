/** Plain-text tables for the benchmarks' reports. */

/** `rows[0]` is the header, underlined with dashes; the first `leftColumns` columns are left-aligned, the others right-aligned. */
export function table(rows: string[][], leftColumns = 1): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) => r.map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** A number with `digits` decimals, or `—` when there is none. */
export function fixed(n: number | undefined, digits: number): string {
  return n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits);
}
