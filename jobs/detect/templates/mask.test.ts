import { describe, expect, it } from 'vitest';
import { GLUE, MAX_TOKEN_LENGTH, MAX_TOKENS, TokenKind, WILDCARD, displayKey, isVariable, keyOf, keyTokens, maskInside, maskedKey, tokenize } from './mask.js';

const shown = (m: string): string => displayKey(maskedKey(m));

describe('maskedKey', () => {
  it.each([
    ['Received disconnect from 52.80.34.196: 11: Bye Bye [preauth]', 'Received disconnect from <*>: <*>: Bye Bye [preauth]'],
    ['Receiving block blk_-5792489080791696128 src: /10.251.30.6:33145 dest: /10.251.30.6:50010', 'Receiving block blk_<*> src: <*> dest: <*>'],
    ['Connecting to driver: spark://CoarseGrainedScheduler@10.10.34.11:48069', 'Connecting to driver: <*>'],
    ['Expiring session 0x24ede63a01b003b, timeout of 10000ms exceeded', 'Expiring session <*>, timeout of <*>ms exceeded'],
    ['Block broadcast_9_piece0 stored as bytes in memory (estimated size 5.2 KB, free 317.1 KB)', 'Block broadcast_<*>_piece<*> stored as bytes in memory (estimated size <*>, free <*>)'],
    ['Ido chip status changed: FF:F2:9F:16:E2:23:00:0D:60:E9:1D:DC ip=10.0.0.151 v=9 t=4 status=M Fri Jul 01 08:16:53 PDT 2005', 'Ido chip status changed: <*> ip=<*> v=<*> t=<*> status=M <*> PDT <*>'],
    ['BLOCK* ask 10.250.14.38:50010 to delete  blk_-1 blk_2 blk_3', 'BLOCK* ask <*> to delete blk_<*>'],
    ['program interrupt: illegal instruction......0', 'program interrupt: illegal instruction......<*>'],
    ['Created local directory at /opt/hdfs/blockmgr-70293f72-844a-4b39-9ad6-fb0ad7e364e4', 'Created local directory at <*>'],
    ['request 123e4567-e89b-12d3-a456-426614174000 failed', 'request <*> failed'],
    ['pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76  user=root', 'pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*> user=root'],
    ['jk2_init() Found child 6725 in scoreboard slot 10', 'jk<*>_init() Found child <*> in scoreboard slot <*>'],
    ['Lustre mount FAILED : bglio559 : point /p/gb1', 'Lustre mount FAILED : bglio<*> : point <*>'],
    ['Server environment:java.class.path=/etc/zookeeper/conf:/usr/share/java/jline.jar', 'Server environment:java.class.path=<*>'],
    ['ciod: LOGIN chdir(/p/gb1/stella/RAPTOR/2183) failed: Input/output error', 'ciod: LOGIN chdir(<*>) failed: Input/output error'],
    ['GET https://example.com/a?b=1 took 35 ms', 'GET <*> took <*>'],
    ["Successfully started service 'sparkExecutorActorSystem' on port 55904.", "Successfully started service 'sparkExecutorActorSystem' on port <*>."],
    ['value -42.5e3 and +7 and 1,234', 'value <*> and <*> and <*>'],
    ['mLp(FF:F2:9F:16:CF:0F:00:0D:60:E9:30:F0), mIp(10.2.2.80)', 'mLp(<*>), mIp(<*>)'],
    ['Remoting started; listening on addresses :[akka.tcp://sparkExecutorActorSystem@mesos-slave-07:55904]', 'Remoting started; listening on addresses :[<*>]'],
    ['tree/torus link failed: wanted: B C X+', 'tree/torus link failed: wanted: B C X+'],
    // day and month names in any case next to a number; words that only start like one stay
    ['backup of SEPTEMBER 30 and WEDNESDAY 4 done', 'backup of <*> and <*> done'],
    ['Monitor 5 marched 3 Junk 7 maybe 2 decoded 1', 'Monitor <*> marched <*> Junk <*> maybe <*> decoded <*>'],
    ['', ''],
    ['  \t ', ''],
  ])('%s', (message, expected) => {
    expect(shown(message)).toBe(expected);
  });

  it('keeps spacing in the key: glued tokens join with GLUE, spaced ones with a space', () => {
    expect(maskedKey('uid=0 euid=1')).toBe(['uid', '=', '<*>'].join(GLUE) + ' ' + ['euid', '=', '<*>'].join(GLUE));
    expect(keyTokens(maskedKey('uid=0 euid=1'))).toEqual(['uid', '=', '<*>', 'euid', '=', '<*>']);
    expect(keyTokens('')).toEqual([]);
  });

  it('treats control characters as whitespace, so GLUE never ends up inside a token', () => {
    expect(tokenize('a\u0001b\u0000c').tokens).toEqual(['a', 'b', 'c']);
  });
});

describe('tokenize', () => {
  it('reports raw text, kinds and spacing aligned with the tokens', () => {
    const t = tokenize('ssh2 port 22 (x)');
    expect(t.tokens).toEqual(['ssh<*>', 'port', '<*>', '(', 'x', ')']);
    expect(t.raw).toEqual(['ssh2', 'port', '22', '(', 'x', ')']);
    expect(t.kinds).toEqual([TokenKind.Weak, TokenKind.Const, TokenKind.Var, TokenKind.Const, TokenKind.Const, TokenKind.Const]);
    expect(t.spaced).toEqual([false, true, true, true, false, false]);
    expect(keyOf(t.tokens, t.spaced)).toBe(maskedKey('ssh2 port 22 (x)'));
  });

  it('joins a collapsed run into one token whose raw text keeps every part', () => {
    const t = tokenize('delete blk_1 blk_2 blk_3 now');
    expect(t.tokens).toEqual(['delete', 'blk_<*>', 'now']);
    expect(t.raw).toEqual(['delete', 'blk_1 blk_2 blk_3', 'now']);
  });

  it('turns the tail of a message past MAX_TOKENS into one final wildcard', () => {
    const many = tokenize(Array.from({ length: 500 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}`).join(' '));
    expect(many.tokens.length).toBe(MAX_TOKENS + 1);
    expect(many.tokens[MAX_TOKENS]).toBe(WILDCARD);
    const oneWord = tokenize('a:'.repeat(10_000));
    expect(oneWord.tokens.length).toBe(MAX_TOKENS + 1);
    expect(oneWord.tokens[MAX_TOKENS]).toBe(WILDCARD);
  });

  it('makes a piece longer than MAX_TOKEN_LENGTH a variable (blobs), which also bounds key length', () => {
    expect(shown(`blob ${'x'.repeat(MAX_TOKEN_LENGTH + 1)} end`)).toBe('blob <*> end');
    expect(shown(`blob ${'x'.repeat(MAX_TOKEN_LENGTH)} end`)).toBe(`blob ${'x'.repeat(MAX_TOKEN_LENGTH)} end`);
  });

  it('takes linear time on hostile input (no backtracking)', () => {
    const n = 200_000;
    const hostile = ['a:'.repeat(n), 'a='.repeat(n), '.'.repeat(2 * n) + '0', 'a1'.repeat(n), '('.repeat(n) + 'x', 'x' + ')'.repeat(n),
      'ab(1:2)=[x,y];'.repeat(n / 8), '/a'.repeat(n), 'x=http://'.repeat(n / 4), 'ab:'.repeat(n), '-1'.repeat(n), 'word '.repeat(n)];
    const t0 = performance.now();
    for (const h of hostile) tokenize(h);
    // 2.4 MB in about 1.5 s here; the bound only catches quadratic behaviour, which would take hours.
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

describe('isVariable', () => {
  const v = (s: string): boolean => isVariable(s, 0, s.length);
  it.each(['42', '-7', '+3.5', '1e-9', '10.0.0.1', '10.0.0.1:8080', '2024-01-31', '17:26:03', '1.2.3-4', '0x1F', '0064588e', 'deadbeef',
    'C1', 'fe80::1', 'FF:F2:9F:16:E2:23', '123e4567-e89b-12d3-a456-426614174000', '/var/log/x', './run', '../up', '~/x', 'C:\\temp', 'hdfs://h:9000/x'])(
    '%s is a variable', (s) => expect(v(s)).toBe(true));
  it.each(['root', 'ssh2', 'added', 'faced', 'L3', 'R02-M1', '/', '....0', 'tree/torus', 'n.leader', 'x86_64', 'e08x', ''])(
    '%s is not', (s) => expect(v(s)).toBe(false));
});

describe('plain words (the tokenizer shortcut for letters-only words)', () => {
  it('keeps letters-only words as they are, but a long run of hex letters is an id', () => {
    expect(shown('deadbeef failed')).toBe('<*> failed');
    expect(shown('DEADBEEF failed')).toBe('<*> failed');
    expect(shown('cafe facade decade defaced failed')).toBe('cafe facade decade defaced failed');
    expect(shown('Deadbeefs failed')).toBe('Deadbeefs failed');
    expect(shown(`${'ab'.repeat(70)} failed`)).toBe('<*> failed');
    expect(shown(`${'xy'.repeat(64)} failed`)).toBe(`${'xy'.repeat(64)} failed`);
    expect(shown('user@host a`b Zz')).toBe('user@host a`b Zz');
    expect(tokenize('Timeout after Fri').kinds).toEqual([TokenKind.Const, TokenKind.Const, TokenKind.Const]);
  });
});

describe('maskInside', () => {
  const m = (s: string): string | null => maskInside(s, 0, s.length);
  it('masks digit runs and hex segments inside words, absorbing a sign', () => {
    expect(m('blk_-123')).toBe('blk_<*>');
    expect(m('mesos-slave-07')).toBe('mesos-slave-<*>');
    expect(m('QuorumServer@33557fe4')).toBe('QuorumServer@<*>');
    expect(m('bglio716')).toBe('bglio<*>');
    expect(m('R62-M1-Nf-C')).toBe('R<*>-M<*>-Nf-C');
    expect(m('plain')).toBeNull();
  });
});
