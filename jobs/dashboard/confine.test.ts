import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confine, looksLikeTraversal, splitRequestPath } from './confine.js';

describe('splitRequestPath', () => {
  it('decodes plain segments', () => {
    expect(splitRequestPath('arrow/logs_by_level.arrow')).toEqual({ ok: true, segments: ['arrow', 'logs_by_level.arrow'] });
    expect(splitRequestPath('summary%2Ejson')).toEqual({ ok: true, segments: ['summary.json'] });
  });

  it.each([
    ['..', 403], ['../package.json', 403], ['%2e%2e/package.json', 403], ['%2E%2E%2Fpackage.json', 403],
    ['arrow/%2e%2e/%2e%2e/x.json', 403], ['.', 403], ['%2fetc%2fpasswd', 403], ['/etc/passwd', 403],
    ['arrow//x.arrow', 403], ['..%5cpackage.json', 403], ['a%00.json', 403], ['%zz', 400], ['', 403],
  ] as const)('refuses %s', (raw, status) => {
    const r = splitRequestPath(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.status).toBe(status);
  });
});

describe('looksLikeTraversal', () => {
  it.each(['/reports/../x', '/reports/%2e%2e/x', '/reports/%252e%252e/x', '/a/..', '/..%2fetc', '/x\\..\\y', '/reports//etc/passwd', '/%2e%2e%2f%2e%2e%2fetc/passwd'])('flags %s', (p) => {
    expect(looksLikeTraversal(p)).toBe(true);
  });
  it.each(['/', '/reports/summary.json', '/reports/arrow/errors_by_minute.arrow', '/static/app.js', '/reports/a..b.json'])('passes %s', (p) => {
    expect(looksLikeTraversal(p)).toBe(false);
  });
});

describe('confine', () => {
  let base: string;
  let root: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'logframe-confine-'));
    root = join(base, 'out');
    await mkdir(join(root, 'arrow'), { recursive: true });
    await writeFile(join(root, 'summary.json'), '{}');
    await writeFile(join(root, 'arrow', 'a.arrow'), 'x');
    await writeFile(join(root, '.summary.json.1.abcdefabcdef.tmp'), '{}');
    await writeFile(join(root, 'notes.sh'), 'echo');
    await writeFile(join(base, 'secret.json'), '{"secret":true}');
    await symlink(join(base, 'secret.json'), join(root, 'leak.json'));
    await symlink(base, join(root, 'up'));
    await symlink(join(root, 'summary.json'), join(root, 'alias.json'));
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('finds report files inside the folder', async () => {
    const r = await confine(root, ['arrow', 'a.arrow']);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.size).toBe(1);
  });

  it('follows a symlink that stays inside', async () => {
    expect((await confine(root, ['alias.json'])).ok).toBe(true);
  });

  it('refuses a symlink to a file outside', async () => {
    expect(await confine(root, ['leak.json'])).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a symlinked folder that leads outside', async () => {
    expect(await confine(root, ['up', 'secret.json'])).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses hidden temp files, other file types, folders and missing files', async () => {
    expect(await confine(root, ['.summary.json.1.abcdefabcdef.tmp'])).toMatchObject({ ok: false, status: 403 });
    expect(await confine(root, ['notes.sh'])).toMatchObject({ ok: false, status: 404 });
    expect(await confine(root, ['arrow'])).toMatchObject({ ok: false, status: 404 });
    expect(await confine(root, ['missing.json'])).toMatchObject({ ok: false, status: 404 });
  });

  it('refuses names that are not plain segments even if given directly', async () => {
    expect(await confine(root, ['..', 'secret.json'])).toMatchObject({ ok: false, status: 403 });
    expect(await confine(root, [join(base, 'secret.json')])).toMatchObject({ ok: false, status: 403 });
  });
});
