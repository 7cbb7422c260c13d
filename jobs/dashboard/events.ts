/**
 * Server-sent events: every open page gets a `reports` event with the new manifest version when
 * a run rewrites the output folder, and a comment line now and then so proxies keep it open.
 */
import type { ServerResponse } from 'node:http';

/** Most pages listening at once; more get 503 (each holds a socket). */
export const MAX_CLIENTS = 64;
const HEARTBEAT_MS = 20_000;

/** The set of open event streams. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => this.broadcastRaw(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Number of open streams. */
  get size(): number {
    return this.clients.size;
  }

  /** Take over `res` as an event stream and send the current version; false when full. */
  open(res: ServerResponse, version: string, headers: Record<string, string>): boolean {
    if (this.clients.size >= MAX_CLIENTS) return false;
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 2000\n${frame('reports', { version })}`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    return true;
  }

  /** Send `event` with JSON `data` to every stream. */
  send(event: string, data: unknown): void {
    this.broadcastRaw(frame(event, data));
  }

  /** End every stream (server shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcastRaw(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}

/** One SSE frame; JSON has no raw newlines, so one data line suffices. */
function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
