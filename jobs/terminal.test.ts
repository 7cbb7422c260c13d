import { describe, expect, it } from 'vitest';
import { terminalSafe } from './terminal.js';

describe('terminalSafe', () => {
  it('shows every C0 control, DEL and C1 control as a visible escape', () => {
    expect(terminalSafe('pay\nALERT \u001b[2J\u001b[31mRED\r\t\u0007\u0000\u007f\u0085\u009b')).toBe('pay\\nALERT \\x1b[2J\\x1b[31mRED\\r\\t\\x07\\x00\\x7f\\x85\\x9b');
    const all = Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)).join('');
    // nothing in the C0, DEL or C1 ranges survives; printable ASCII does
    expect(terminalSafe(all)).not.toMatch(/\p{Cc}/u);
    expect(terminalSafe(all)).toContain(' !"#$%&\'()*+,-./0123456789');
  });

  it('leaves printable text, backslashes and non-ASCII letters alone', () => {
    expect(terminalSafe('payment-api C:\\logs é ü 日本 🚨')).toBe('payment-api C:\\logs é ü 日本 🚨');
  });
});
