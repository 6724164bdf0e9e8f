/**
 * Source lines around an error's place, as the terminal and the dev overlay show them.
 */

/**
 * Lines `line - 2 … line + 2` of `source` with numbers, the failing one marked.
 * @example codeFrame("a\nb(\nc", 2, 3) // "  1 | a\n> 2 | b(\n    |   ^\n  3 | c"
 */
export function codeFrame(source: string, line: number, column: number): string {
  const lines = source.split("\n");
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 2);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const mark = n === line ? ">" : " ";
    out.push(`${mark} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line) out.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, column - 1))}^`);
  }
  return out.join("\n");
}
