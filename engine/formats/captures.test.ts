import { describe, expect, it } from 'vitest';
import { makeDictionaries } from '../batch.js';
import { LEVEL_CODE } from '../schema.js';
import { DictSetter, LevelSetter, numberOf, positionalGroups } from './captures.js';

describe('positionalGroups', () => {
  it('strips group names and numbers every capturing group, skipping escapes, classes and lookbehinds', () => {
    const { source, names } = positionalGroups('^(?<a>x)(y)\\((?:z)(?<=z)(?<!v)[(?<no>)](?<b>.*)$');
    expect(source).toBe('^(x)(y)\\((?:z)(?<=z)(?<!v)[(?<no>)](.*)$');
    expect(names).toEqual(new Map([['a', 1], ['b', 3]]));
    const m = new RegExp(source).exec('xy(z<.rest')!;
    expect(m[names.get('b')!]).toBe('.rest');
  });

  it('keeps the names when a named backreference needs them, and rejects duplicates', () => {
    expect(positionalGroups('(?<q>a)\\k<q>').source).toBe('(?<q>a)\\k<q>');
    expect(() => positionalGroups('(?<q>a)(?<q>b)')).toThrow(/duplicate/);
  });
});

describe('setters', () => {
  it('numberOf reads decimal numbers only', () => {
    expect(numberOf('42')).toBe(42);
    expect(numberOf('-1.5')).toBe(-1.5);
    expect(numberOf(' 7 ')).toBe(7);
    expect(numberOf('1e3')).toBe(1000);
    for (const bad of ['', '-', ' ', '0x1f', '0B1', 'abc', 'Infinity', '12ms']) expect(numberOf(bad)).toBeNaN();
  });

  it('DictSetter caches per dictionary set', () => {
    const s = new DictSetter('service');
    const d1 = makeDictionaries();
    expect([s.code(d1, 'a'), s.code(d1, 'b'), s.code(d1, 'a')]).toEqual([0, 1, 0]);
    const d2 = makeDictionaries();
    expect(s.code(d2, 'b')).toBe(0); // a new task's dictionaries start empty
    expect(d2.service.values).toEqual(['b']);
  });

  it('LevelSetter normalises', () => {
    const l = new LevelSetter();
    expect([l.code('notice'), l.code('SEVERE'), l.code('notice'), l.code('blah')]).toEqual([LEVEL_CODE.NOTICE, LEVEL_CODE.ERROR, LEVEL_CODE.NOTICE, LEVEL_CODE.UNKNOWN]);
  });
});
