import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from './accuracy.js';
import { mineChunked, mineSet, mineWhole } from './eval.js';
import { loadLoghub, loghubSets } from './loghub.js';
import { maskedKey } from './mask.js';
import { DEFAULT_MINE_OPTIONS, OVERFLOW_TEMPLATE, TemplateSet, mineTemplates } from './mine.js';
import { TemplateSketch } from './sketch.js';

function mine(messages: string[], maxKeys?: number): { set: TemplateSet; sketch: TemplateSketch } {
  const sketch = new TemplateSketch({ maxKeys });
  messages.forEach((m, i) => sketch.add(m, i, 5));
  return { set: mineTemplates(sketch), sketch };
}

const texts = (set: TemplateSet): string[] => set.templates.map((t) => t.template);

describe('mineTemplates', () => {
  it('splits on words that tell templates apart and generalises columns with many values', () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    const lines = [
      ...users.map((u) => `Invalid user ${u} from 10.0.0.1`),
      'maxSessionTimeout set to -1', 'minSessionTimeout set to -1', 'tickTime set to 2000',
      'state LOOKING (my state)', 'state LEADING (my state)', 'state FOLLOWING (my state)',
      'Failed none for invalid user 0 from 1.2.3.4', 'Failed none for invalid user admin from 1.2.3.5',
    ];
    expect(texts(mine(lines).set).sort()).toEqual([
      'Failed none for invalid user <*> from <*>',
      'Invalid user <*> from <*>',
      'maxSessionTimeout set to <*>', 'minSessionTimeout set to <*>',
      'state FOLLOWING (my state)', 'state LEADING (my state)', 'state LOOKING (my state)',
      'tickTime set to <*>',
    ]);
  });

  it('numbers templates by count descending, then text, and sums their statistics', () => {
    const { set } = mine(['disk b 1', 'disk b 2', 'net a x', 'cpu hot y', 'cpu hot z', 'cpu hot w', 'cpu hot v', 'cpu hot u']);
    expect(set.templates.map((t) => [t.id, t.template, t.count])).toEqual([[1, 'cpu hot <*>', 5], [2, 'disk b <*>', 2], [3, 'net a x', 1]]);
    expect(set.templates[0]).toMatchObject({ firstSeen: 3, lastSeen: 7, example: 'cpu hot y', keys: 5, levels: 1 << 5 });
  });

  it('shows a weak token as its raw text only when every line agrees and the masked part is short', () => {
    const { set } = mine(['jk2_init() Found child 1', 'jk2_init() Found child 2', 'read blk_123456 ok', 'read blk_123456 ok']);
    expect(texts(set).sort()).toEqual(['jk2_init() Found child <*>', 'read blk_<*> ok']);
  });

  it('assigns messages: known keys, unseen values of variables, near misses by similarity, else 0', () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const { set } = mine([...users.map((u) => `session opened for ${u} by uid 0`), 'disk full on /dev/sda']);
    const id = set.assign('session opened for alice by uid 0');
    expect(id).toBe(set.keyToTemplate.get(maskedKey('session opened for alice by uid 0')));
    expect(set.assign('session opened for mallory by uid 7')).toBe(id);
    // Not all constants match, but 4 of 7 tokens do (>= similarity 0.5).
    expect(set.assign('session closed for mallory by uid 7')).toBe(id);
    expect(set.assign('something else entirely here now ok')).toBe(0);
    expect(set.assign('disk full on /dev/sdb')).toBe(set.assign('disk full on /dev/sda'));
  });

  it('round-trips a template set through JSON', () => {
    const { set } = mine(['a 1', 'a 2', 'b x y', 'c']);
    const back = TemplateSet.fromJSON(JSON.parse(JSON.stringify(set.toJSON())) as ReturnType<TemplateSet['toJSON']>);
    expect(back.templates).toEqual(set.templates);
    for (const m of ['a 9', 'b x y', 'c', 'zzz']) expect(back.assign(m)).toBe(set.assign(m));
  });

  it('reports the overflow of a capped sketch as a template, and assigns evicted keys to it', () => {
    const messages = Array.from({ length: 300 }, (_, i) => `event ${'ghijklmnopqrstuvwxyz'[i % 20]}${'ghijklmnopqrstuvwxyz'[Math.floor(i / 20) % 20]} happened`);
    const { set, sketch } = mine(messages, 10);
    const overflow = set.templates.find((t) => t.id === set.overflowId)!;
    expect(overflow.template).toBe(OVERFLOW_TEMPLATE);
    expect(overflow.count).toBe(sketch.overflow!.count);
    expect(set.templates.reduce((s, t) => s + t.count, 0)).toBe(messages.length);
    for (const m of messages) {
      const key = maskedKey(m);
      expect(set.assign(m) === set.overflowId).toBe(sketch.isEvicted(key));
    }
  });
});

const sets = loghubSets();

describe.skipIf(sets.length === 0)('Loghub 2k sets, one default setting', () => {
  // Measured with the defaults (depth 4, minValues 5); mining is deterministic, so these are exact floors.
  const FLOOR: Record<string, number> = { Apache: 1, BGL: 1, HDFS: 1, OpenSSH: 1, Spark: 1, Zookeeper: 0.9945 };

  it('uses the documented defaults', () => {
    expect(DEFAULT_MINE_OPTIONS).toEqual({ depth: 4, minValues: 5, similarity: 0.5 });
  });

  it.each(sets)('%s: grouping accuracy at least the measured floor; counts match the lines; assign agrees', (name) => {
    const data = loadLoghub(name);
    const { ids, templates } = mineSet(data);
    expect(groupingAccuracy(data.events, ids)).toBeGreaterThanOrEqual(FLOOR[name] ?? 0.9);
    const lines = new Map<number, number>();
    for (const id of ids) lines.set(id, (lines.get(id) ?? 0) + 1);
    for (const t of templates.templates) expect(t.count).toBe(lines.get(t.id));
    expect(ids.every((id) => id > 0)).toBe(true);
    data.contents.forEach((c, i) => expect(templates.assign(c)).toBe(ids[i]));
  });

  it('beats the Drain mean (0.939) across the sets', () => {
    let sum = 0;
    for (const name of sets) {
      const data = loadLoghub(name);
      sum += groupingAccuracy(data.events, mineSet(data).ids);
    }
    expect(sum / sets.length).toBeGreaterThanOrEqual(0.999);
  });

  it.each(sets)('%s: 7 random chunks merged in random order mine the same templates, uncapped and capped', (name) => {
    const data = loadLoghub(name);
    for (const maxKeys of [undefined, 16]) {
      const whole = mineWhole(data, maxKeys);
      for (const seed of [11, 12, 13]) expect(mineChunked(data, 7, seed, maxKeys)).toBe(whole);
    }
  });
});
