/**
 * Regular expressions that meet log content (Loghub format strings, `regex` formats, `matches`
 * filters, detection rules) run on V8's backtracking engine, where a line that does not match can
 * take time that grows with a high power of its length: Loghub's `^(.*?)\s+(.*?)\s+...$` over a
 * 150-word line without the format's `: ` took 2 s and a 250-word one 24 s (about the fifth power
 * of the words), though a line that does not match is meant to be one malformed line. V8 can
 * move a regexp that backtracks too much to its linear-time engine (same result; regexps it cannot
 * run, with back-references or lookbehinds, stay on the backtracking one): the same 150 words then
 * take 10 ms, 3,000 words 0.26 s, and lines that match cost what they did.
 *
 * The flag is process-wide and read when a regexp runs, so worker threads share it; importing
 * this module sets it before the first match (the regexp formats and the expression compiler
 * import it, and every task loads the compiler).
 */
import v8 from 'node:v8';

v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
