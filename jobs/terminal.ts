/**
 * Text from log data on its way to a terminal. A service name or message may hold control
 * characters: a newline forges a second line (a fake alert), ESC starts sequences that clear the
 * screen, recolour text or set the window title; C1 bytes do the same on terminals that honour
 * 8-bit controls. Like git's C-style quoting of paths and Python's repr, they are shown as visible
 * escapes (`\n`, `\x1b`, `\x9b`) rather than dropped or turned into U+FFFD: the reader sees that
 * the data held one and which. A regex replace, not a library: strip-ansi and
 * util.stripVTControlCharacters remove known escape sequences only and leave a bare newline,
 * BEL or C1 byte through.
 */

// Unicode's Cc category: every C0 control, DEL and every C1 control (U+0000-U+001F, U+007F-U+009F).
const CONTROL = /\p{Cc}/gu;
const SHORT: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `text` with every control character shown as an escape, so it prints as the characters it holds. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => SHORT[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
