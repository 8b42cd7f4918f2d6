/**
 * Untrusted text (comments, agent names, headers) is made harmless before it is shown:
 * no terminal control sequences on screen, no formulas in spreadsheets.
 */

// CSI and OSC escape sequences, then any remaining C0/C1 control character and DEL.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?/g;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const LINE_BREAKS = /\r\n|[\r\n\t]/g;

/** One line of plain text, safe for a terminal or a Markdown cell. */
export function forTerminal(text: string): string {
  return text.replace(ESCAPES, '').replace(LINE_BREAKS, ' ').replace(CONTROLS, '');
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
  const clean = text.replace(ESCAPES, '').replace(CELL_CONTROLS, '');
  return FORMULA_START.test(clean) ? `'${clean}` : clean;
}
