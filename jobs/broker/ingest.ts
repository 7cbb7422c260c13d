/**
 * Broker ingestion (S2): consume log lines from a RabbitMQ queue into the follow machinery.
 * Messages are appended to a spool file that the Follower follows (same running aggregates,
 * detectors, alerts, refresh and checkpoint as file following). A message is acknowledged only
 * once a checkpoint that covers its bytes is on disk; the checkpoint also holds the ids of the
 * messages applied (Ledger). After a crash the spool is cut back to the checkpoint's offset
 * (those messages were never acknowledged and come again), and a redelivered message already
 * in the checkpoint is acknowledged without being counted: exactly once.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { redactUrl } from '../../engine/errors.js';
import type { BrokerConfig, Config } from '../config/types.js';
import { loadCheckpoint } from '../follow/checkpoint.js';
import { Follower, liveDashboard, type FollowOptions } from '../follow/follower.js';
import type { SavedFile } from '../follow/tracker.js';
import { writeJsonFile } from '../report/write.js';
import { Ledger, parseMessageId, type MessageId, type SavedLedger } from './ledger.js';

/** Malformed messages kept as samples. */
const SAMPLE_LIMIT = 20;

/** Counts of what the queue delivered, exactly once (as of the last checkpoint). */
export interface BrokerCounts {
  messages: number;
  lines: number;
  malformed_messages: number;
}

export interface MalformedMessage {
  id: string | null;
  reason: string;
  /** The body's first 200 bytes, as text. */
  body: string;
}

interface SavedBroker {
  ledger: SavedLedger;
  counts: BrokerCounts;
  samples: MalformedMessage[];
  spoolOffset: number;
}

interface Entry {
  /** Its delivery tag (the message itself is let go once its lines are buffered). */
  tag: number;
  /** Spool offset after its lines. */
  end: number;
  id: MessageId | null;
  lines: number;
  malformed: MalformedMessage | null;
  /** Already in the aggregates (a redelivery, or counted by a snapshot). */
  applied: boolean;
}

/** The broker could not be reached or refused us. */
export class BrokerError extends Error {
  override readonly name = 'BrokerError';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const NL = Buffer.from('\n');

/**
 * A body as the bytes to append to the spool and its line count, or why it is malformed: the
 * lines of decodeBody, joined with newlines, ending in one. A `lines` body is written as it is
 * (plus a newline when its last line has none), without decoding it to strings and back: with one
 * line per message this is the per-message cost.
 */
export function spoolBytes(body: Buffer, format: BrokerConfig['format']): { chunks: Buffer[]; bytes: number; lines: number } | { reason: string } {
  const slow = (): ReturnType<typeof spoolBytes> => {
    const d = decodeBody(body, format);
    if ('reason' in d) return d;
    const buf = Buffer.from(d.lines.join('\n') + '\n', 'utf8');
    return { chunks: [buf], bytes: buf.length, lines: d.lines.length };
  };
  // JSON, and a leading byte order mark (the decoder drops it), take the decoding path
  if (format !== 'lines' || (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf)) return slow();
  if (!isUtf8(body)) return { reason: 'not UTF-8' };
  let lines = 0;
  let blank = true;
  let ascii = true;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === 10) lines++;
    else if (c >= 128) ascii = false;
    // what String.prototype.trim() removes, in the ASCII range
    else if (c !== 32 && (c < 9 || c > 13)) blank = false;
  }
  // Unicode white space (no-break space...) is blank to trim() too
  if (blank && !ascii) return slow();
  if (blank) return { reason: 'empty message' };
  if (body[body.length - 1] === 10) return { chunks: [body], bytes: body.length, lines };
  return { chunks: [body, NL], bytes: body.length + 1, lines: lines + 1 };
}

/** A message body as log lines, or why it is malformed. */
export function decodeBody(body: Buffer, format: BrokerConfig['format']): { lines: string[] } | { reason: string } {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { reason: 'not UTF-8' };
  }
  if (format === 'json') {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      return { reason: `not JSON: ${(err as Error).message}` };
    }
    const arr = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
    if (!arr) return { reason: 'JSON is not a string or an array of strings' };
    const lines = arr.flatMap((s) => s.split(/\r?\n/)).filter((l) => l !== '');
    return lines.length ? { lines } : { reason: 'no lines' };
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0 || lines.every((l) => l.trim() === '')) return { reason: 'empty message' };
  return { lines };
}

/** The spool file of a config's broker input. */
export function spoolPath(config: Config): string {
  const b = config.input.broker!;
  return path.join(path.resolve(config.output.dir), 'broker', `${b.queue.replace(/[^A-Za-z0-9_.-]/g, '_')}.spool.log`);
}

/** amqp URL with the password from LOGFRAME_AMQP_PASSWORD when set. */
function withPassword(url: string): string {
  const pw = process.env.LOGFRAME_AMQP_PASSWORD;
  if (!pw) return url;
  const u = new URL(url);
  u.password = pw;
  return u.toString();
}

export interface BrokerOptions extends FollowOptions {
  quiet?: boolean;
}

/** Consumes a queue into a follower; one per output directory. */
export class BrokerIngest {
  readonly pending: Entry[] = [];
  private readonly inflight = new Set<string>();
  private buffer: Buffer[] = [];
  private bufferedBytes = 0;
  private bufferedMsgs = 0;
  private spoolSize: number;
  private flushScheduled: NodeJS.Immediate | null = null;
  private consumerTag: string | null = null;
  private stopping: Promise<void> | null = null;
  private failed: ((err: Error) => void) | null = null;
  private readonly done: Promise<void>;
  private counts: BrokerCounts;
  private samples: MalformedMessage[];
  private ledger: Ledger;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly config: Config,
    private readonly broker: BrokerConfig,
    private readonly spool: string,
    private readonly fd: number,
    private readonly conn: ChannelModel,
    private readonly channel: Channel,
    readonly follower: Follower,
    saved: SavedBroker | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.spoolSize = saved?.spoolOffset ?? 0;
    this.counts = saved?.counts ?? { messages: 0, lines: 0, malformed_messages: 0 };
    this.samples = saved?.samples ?? [];
    this.ledger = Ledger.restore(saved?.ledger);
    this.done = new Promise((_resolve, reject) => { this.failed = reject; });
    this.done.catch(() => {});
  }

  /**
   * Connect, resume from the checkpoint (cutting the spool back to what it covers) and start
   * consuming. Throws BrokerError naming the URL when RabbitMQ cannot be reached.
   */
  static async start(config: Config, opts: BrokerOptions = {}): Promise<BrokerIngest> {
    const broker = config.input.broker;
    if (!broker) throw new Error('input.broker is not set');
    const log = opts.log ?? ((line: string) => process.stderr.write(`logframe broker: ${line}\n`));
    const spool = spoolPath(config);
    const followConfig: Config = { ...config, input: { ...config.input, paths: [spool], follow: true } };
    const checkpointFile = config.input.checkpoint ?? path.join(path.resolve(config.output.dir), 'checkpoint.json');
    const ck = loadCheckpoint(checkpointFile);
    const saved = ck?.extra as SavedBroker | undefined;
    const offset = ck?.files.find((f) => f.path === spool && !f.detached)?.offset ?? 0;
    // bytes past the checkpoint belong to messages never acknowledged: they come again
    mkdirSync(path.dirname(spool), { recursive: true });
    const fd = openSync(spool, existsSync(spool) ? 'r+' : 'w+');
    ftruncateSync(fd, offset);
    closeSync(fd);
    const appendFd = openSync(spool, 'a');
    let conn: ChannelModel;
    try {
      conn = await amqp.connect(withPassword(broker.url));
    } catch (err) {
      closeSync(appendFd);
      throw new BrokerError(`cannot reach RabbitMQ at ${redactUrl(broker.url)} (${(err as Error).message}): start rabbitmq-server there, or fix input.broker.url`);
    }
    let ingest: BrokerIngest | null = null;
    const hooks: FollowOptions = {
      // the prefetch window refills only when a checkpoint lets its messages be acknowledged: while
      // it is more than half full, checkpoints may take a quarter of the time (else a tenth, as
      // in follow mode: a snapshot blocks the polls, so a live stream's alerts wait for it)
      checkpointShare: () => (ingest && ingest.pending.length * 2 > broker.prefetch ? 0.25 : 0.1),
      ...opts,
      checkpointExtra: (files) => ingest?.snapshot(files),
      onCheckpointSaved: (extra) => ingest?.saved(extra as SavedBroker | undefined),
      onRefresh: (outputs) => {
        ingest?.writeReport();
        opts.onRefresh?.(outputs);
      },
    };
    let follower: Follower;
    try {
      follower = await Follower.start(followConfig, hooks);
    } catch (err) {
      closeSync(appendFd);
      await conn.close().catch(() => {});
      throw err;
    }
    const channel = await conn.createChannel();
    await channel.assertQueue(broker.queue, { durable: true });
    await channel.prefetch(broker.prefetch);
    ingest = new BrokerIngest(config, broker, spool, appendFd, conn, channel, follower, saved, log);
    await ingest.consume();
    return ingest;
  }

  private async consume(): Promise<void> {
    const lost = (why: string) => (err?: Error): void => {
      if (this.stopping) return;
      // unacknowledged messages go back to the queue; the checkpoint makes the restart exactly-once
      this.failed?.(new BrokerError(`connection to ${redactUrl(this.broker.url)} ${why}${err ? `: ${err.message}` : ''}; restart to resume from the checkpoint`));
    };
    this.conn.on('error', lost('failed'));
    this.conn.on('close', lost('closed'));
    this.channel.on('error', lost('channel failed'));
    const { consumerTag } = await this.channel.consume(this.broker.queue, (msg) => {
      if (msg === null) lost('cancelled the consumer (queue deleted?)')();
      else this.onMessage(msg);
    }, { noAck: false });
    this.consumerTag = consumerTag;
  }

  /** Rejects when the broker connection is lost (the caller stops and exits non-zero). */
  get failure(): Promise<void> {
    return this.done;
  }

  private onMessage(msg: ConsumeMessage): void {
    const id = parseMessageId(msg.properties.messageId);
    const key = id ? `${id.producer}:${id.seq}` : null;
    const end = this.spoolSize + this.bufferedBytes;
    if (id && key && (this.ledger.has(id) || this.inflight.has(key))) {
      // already counted (a redelivery after a crash, or published twice): acknowledged with the next checkpoint
      this.pending.push({ tag: msg.fields.deliveryTag, end, id, lines: 0, malformed: null, applied: true });
      this.follower.requestCheckpoint();
      return;
    }
    if (key) this.inflight.add(key);
    const d = spoolBytes(msg.content, this.broker.format);
    if ('reason' in d) {
      const body = msg.content.subarray(0, 200).toString('utf8');
      this.pending.push({ tag: msg.fields.deliveryTag, end, id, lines: 0, malformed: { id: msg.properties.messageId ?? null, reason: d.reason, body }, applied: false });
      this.follower.requestCheckpoint();
      return;
    }
    for (const c of d.chunks) this.buffer.push(c);
    this.bufferedBytes += d.bytes;
    this.pending.push({ tag: msg.fields.deliveryTag, end: end + d.bytes, id, lines: d.lines, malformed: null, applied: false });
    if (++this.bufferedMsgs >= this.broker.batch_size) this.flush();
    // amqplib hands over every message of a socket read in one turn: they go to the spool in one write after it
    else this.flushScheduled ??= setImmediate(() => this.flush());
  }

  /** Append the buffered lines to the spool (the follower's fs.watch wakes it). */
  private flush(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = null;
    if (this.buffer.length === 0) return;
    const buf = this.buffer.length === 1 ? this.buffer[0]! : Buffer.concat(this.buffer, this.bufferedBytes);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.spoolSize += buf.length;
    this.buffer = [];
    this.bufferedBytes = 0;
    this.bufferedMsgs = 0;
  }

  /** At each checkpoint snapshot: the messages whose bytes the follower has merged become applied. */
  private snapshot(files: readonly SavedFile[]): SavedBroker {
    const offset = files.find((f) => f.path === this.spool && !f.detached)?.offset ?? 0;
    for (const e of this.pending) {
      if (e.end > offset) break;
      if (e.applied) continue;
      e.applied = true;
      if (e.id) {
        this.ledger.add(e.id);
        this.inflight.delete(`${e.id.producer}:${e.id.seq}`);
      }
      this.counts.messages++;
      this.counts.lines += e.lines;
      if (e.malformed) {
        this.counts.malformed_messages++;
        if (this.samples.length < SAMPLE_LIMIT) this.samples.push(e.malformed);
      }
    }
    return { ledger: this.ledger.toJSON(), counts: { ...this.counts }, samples: [...this.samples], spoolOffset: offset };
  }

  /** A checkpoint is on disk: acknowledge every message it covers (one ack for the run of them). */
  private saved(extra: SavedBroker | undefined): void {
    if (!extra || this.channelClosed) return;
    let k = -1;
    while (k + 1 < this.pending.length && this.pending[k + 1]!.applied && this.pending[k + 1]!.end <= extra.spoolOffset) k++;
    if (k < 0) return;
    try {
      // ack() reads only the delivery tag; up to and including it (multiple)
      this.channel.ack({ fields: { deliveryTag: this.pending[k]!.tag } } as ConsumeMessage, true);
    } catch (err) {
      this.log(`acknowledging failed (the messages will come again and be recognised): ${(err as Error).message}`);
    }
    this.pending.splice(0, k + 1);
    if (this.pending.some((e) => e.applied)) this.follower.requestCheckpoint();
  }

  private channelClosed = false;

  /** broker.json next to the reports: what the queue delivered, exactly once, and malformed samples. */
  writeReport(): void {
    const report = { queue: this.broker.queue, ...this.counts, malformed_samples: this.samples };
    this.writing = this.writing.then(() => writeJsonFile(path.join(path.resolve(this.config.output.dir), 'broker.json'), report)).catch((err: unknown) => {
      this.log(`writing broker.json failed: ${(err as Error).message}`);
    });
  }

  /** Stop consuming, fold in what arrived, write reports and checkpoint, acknowledge, disconnect. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.consumerTag) await this.channel.cancel(this.consumerTag).catch(() => {});
      this.flush();
      this.follower.requestCheckpoint();
      await this.follower.stop();
      this.writeReport();
      await this.writing;
      this.channelClosed = true;
      await this.channel.close().catch(() => {});
      await this.conn.close().catch(() => {});
      closeSync(this.fd);
    })();
    return this.stopping;
  }
}

/**
 * Run broker ingestion for `config` until SIGINT or SIGTERM (or the connection is lost: exit
 * non-zero; a restart resumes exactly once), with the dashboard when enabled.
 */
export async function brokerJob(config: Config, opts: BrokerOptions = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`logframe broker: ${line}\n`));
  const ingest = await BrokerIngest.start(config, { ...opts, log });
  const dashboard = await liveDashboard(config, log, () => ingest.stop());
  const b = config.input.broker!;
  if (!opts.quiet) {
    log(`consuming ${b.queue} at ${redactUrl(b.url)} (prefetch ${b.prefetch}, ${b.format}); reports in ${path.resolve(config.output.dir)}; Ctrl-C to stop`
      + (dashboard ? `; dashboard at ${dashboard.url}` : ''));
  }
  let signals = 0;
  let stopSignal: () => void = () => {};
  const stopped = new Promise<void>((r) => { stopSignal = r; });
  const onSignal = (sig: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(130);
    if (!opts.quiet) log(`${sig}: folding in what arrived, writing reports and checkpoint`);
    stopSignal();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const following = ingest.follower.run();
  try {
    await Promise.race([stopped, ingest.failure, following]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ingest.stop();
    await dashboard?.close();
  }
}
