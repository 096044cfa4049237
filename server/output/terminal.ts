/**
 * Text for a terminal. Titles, SKUs, nicknames and promoter names come from connectors, recordings and
 * brands' spreadsheets; printed raw, an escape sequence in one could rewrite the screen, hide lines or
 * set the window title of the person running the command. Control characters go, the rest stays.
 */

// C0 controls (tab and newline included: a value is one line), DEL, C1 controls, and the bidi
// overrides that make a line read differently than it is.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every control character replaced by a visible question mark. */
export const printable = (s: string): string => s.replace(CONTROL, '?');
