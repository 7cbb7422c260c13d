/**
 * Publishes log lines to a RabbitMQ queue as S2's producers do: one line per message, or
 * batches of lines per message. Every message carries the id `producer:seq` (sequence from 1),
 * which the consumer's checkpoint uses to recognise redeliveries.
 */
import os from 'node:os';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { redactUrl } from '../../engine/errors.js';

export interface PublisherOptions {
  url: string;
  queue: string;
  /** Lines per message (1: one line per message). */
  batch?: number;
  /** Producer id in message ids (default host-pid-time: unique per run). */
  producer?: string;
}

export class Publisher {
  private seq = 0;
  private pendingLines: string[] = [];
  private drained: Promise<void> | null = null;
  readonly producer: string;
  messages = 0;
  lines = 0;

  private constructor(private readonly conn: ChannelModel, private readonly channel: Channel, private readonly opts: PublisherOptions) {
    this.producer = opts.producer ?? `${os.hostname()}-${process.pid}-${Date.now().toString(36)}`;
  }

  static async connect(opts: PublisherOptions): Promise<Publisher> {
    let conn: ChannelModel;
    try {
      conn = await amqp.connect(opts.url);
    } catch (err) {
      throw new Error(`cannot reach RabbitMQ at ${redactUrl(opts.url)} (${(err as Error).message})`);
    }
    const channel = await conn.createChannel();
    await channel.assertQueue(opts.queue, { durable: true });
    return new Publisher(conn, channel, opts);
  }

  /** Queue lines (each ending in '\n' or not) for publishing; full messages go out now. */
  publishLines(lines: readonly string[]): void {
    const batch = Math.max(1, this.opts.batch ?? 1);
    for (const l of lines) {
      this.pendingLines.push(l.endsWith('\n') ? l.slice(0, -1) : l);
      if (this.pendingLines.length >= batch) this.send();
    }
  }

  /** Publish one raw body (tests publish malformed messages with it). */
  publishRaw(body: Buffer, lines = 0): void {
    this.publish(body, lines);
  }

  private send(): void {
    if (this.pendingLines.length === 0) return;
    const body = Buffer.from(this.pendingLines.join('\n') + '\n', 'utf8');
    const n = this.pendingLines.length;
    this.pendingLines = [];
    this.publish(body, n);
  }

  private publish(body: Buffer, lines: number): void {
    const ok = this.channel.sendToQueue(this.opts.queue, body, { persistent: true, messageId: `${this.producer}:${++this.seq}` });
    this.messages++;
    this.lines += lines;
    if (!ok) this.drained ??= new Promise((r) => this.channel.once('drain', () => { this.drained = null; r(); }));
  }

  /** Resolves when the channel's buffer has room again. */
  async ready(): Promise<void> {
    await this.drained;
  }

  /** Send what is left, wait for the channel to flush, disconnect. */
  async close(): Promise<void> {
    this.send();
    await this.drained;
    await this.channel.close();
    await this.conn.close();
  }
}
