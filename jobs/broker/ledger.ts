/**
 * Which broker messages are already in the aggregates: per producer, every sequence number up
 * to `upTo` plus the few above it (messages can arrive out of order after a requeue). Saved in
 * the follower's checkpoint with the offsets, so a message redelivered after a crash is
 * recognised and acknowledged without being counted again.
 */

/** A message's identity: the producer and its sequence number (message id `producer:seq`). */
export interface MessageId {
  producer: string;
  seq: number;
}

/** Parse `producer:seq` (what `npm run produce -- --broker` sets); null when absent or of another shape. */
export function parseMessageId(id: unknown): MessageId | null {
  if (typeof id !== 'string') return null;
  const i = id.lastIndexOf(':');
  if (i <= 0) return null;
  const seq = Number(id.slice(i + 1));
  return Number.isSafeInteger(seq) && seq > 0 ? { producer: id.slice(0, i), seq } : null;
}

export type SavedLedger = Record<string, { upTo: number; above: number[] }>;

export class Ledger {
  private readonly byProducer = new Map<string, { upTo: number; above: Set<number> }>();

  static restore(saved: SavedLedger | undefined): Ledger {
    const l = new Ledger();
    for (const [p, s] of Object.entries(saved ?? {})) l.byProducer.set(p, { upTo: s.upTo, above: new Set(s.above) });
    return l;
  }

  has(id: MessageId): boolean {
    const p = this.byProducer.get(id.producer);
    return p !== undefined && (id.seq <= p.upTo || p.above.has(id.seq));
  }

  add(id: MessageId): void {
    let p = this.byProducer.get(id.producer);
    if (!p) this.byProducer.set(id.producer, (p = { upTo: 0, above: new Set() }));
    if (id.seq <= p.upTo) return;
    p.above.add(id.seq);
    // move the watermark over the contiguous run
    while (p.above.has(p.upTo + 1)) p.above.delete(++p.upTo);
  }

  toJSON(): SavedLedger {
    const out: SavedLedger = {};
    for (const [k, v] of [...this.byProducer].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[k] = { upTo: v.upTo, above: [...v.above].sort((a, b) => a - b) };
    return out;
  }
}
