/**
 * CSV for spreadsheets as French users open them: `;` between fields (the comma is the decimal
 * separator here), a UTF-8 byte order mark so accents survive, CRLF line ends, decimals with a
 * comma, and quotes only where a field needs them (RFC 4180).
 */
export function toCsv(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const lines = [headers, ...rows].map((r) => r.map(champ).join(';'));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function champ(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value).replace('.', ',') : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet: neutralise it (OWASP CSV injection).
  const safe = typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
