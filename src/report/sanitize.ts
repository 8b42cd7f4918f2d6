/**
 * Untrusted text (comments, agent names, headers) is made harmless before it is shown:
 * no terminal control sequences on screen, no formulas in spreadsheets.
 */

// CSI and OSC escape sequences, then any remaining C0/C1 control character and DEL.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?/g;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const LINE_BREAKS = /\r\n|[\r\n\t]/g;

// Characters that reorder or hide text (bidi overrides and isolates, zero-width spaces and
// joiners): "Trojan Source" tricks that make a name or comment read other than it is.
const INVISIBLES = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** An invisible character made visible, so it can neither reorder text nor hide unseen. */
const visible = (ch: string) => `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;

/** Text without its escape sequences (our own colours included): what a terminal shows of it. */
export const withoutEscapes = (text: string): string => text.replace(ESCAPES, '');

/** Text whose invisible reordering and hiding characters are shown as <U+202E> and the like (chart labels). */
export const visibleText = (text: string): string => text.replace(INVISIBLES, visible);

/** One line of plain text, safe for a terminal or a Markdown cell. */
export function forTerminal(text: string): string {
  return text.replace(ESCAPES, '').replace(LINE_BREAKS, ' ').replace(CONTROLS, '').replace(INVISIBLES, visible);
}

const FORMULA_START = /^[=+\-@\t\r]/;
// Control characters other than the line breaks and tabs a CSV cell may legitimately hold.
const CELL_CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

/**
 * A text cell a spreadsheet will not evaluate (a leading ' neutralizes =, +, -, @, tab and CR) and a
 * terminal showing the file will not obey (escape sequences and control characters removed; line
 * breaks inside a comment are kept, CSV quoting holds them).
 */
export function forSpreadsheet(text: string): string {
  const clean = cellText(text);
  return FORMULA_START.test(clean) ? `'${clean}` : clean;
}

/**
 * Text of a workbook cell, which is a value and never a formula: no escapes or controls (XML holds
 * none), at most Excel's 32,767 characters.
 */
export function forWorkbook(text: string): string {
  const clean = cellText(text);
  return clean.length > MAX_WORKBOOK_CELL ? `${clean.slice(0, MAX_WORKBOOK_CELL - 1)}…` : clean;
}

const MAX_WORKBOOK_CELL = 32_767;
const cellText = (text: string): string =>
  text.replace(ESCAPES, '').replace(CELL_CONTROLS, '').replace(INVISIBLES, visible);

/** A message line longer than this quotes too much of the data (a 10 MB header name). */
const MAX_MESSAGE = 1000;

/**
 * One line of a message on stderr: safe for a terminal (see forTerminal) and cut to a readable
 * length. Every line the tool writes to stderr goes through it (main wraps the stream).
 */
export function forMessage(line: string): string {
  const safe = forTerminal(line);
  return safe.length > MAX_MESSAGE ? `${safe.slice(0, MAX_MESSAGE - 1)}…` : safe;
}
