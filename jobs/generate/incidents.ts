/**
 * Labelled incidents: what each kind does to the records inside its window, how a span's
 * incidents are planned, and the labels file. The model (model.ts) consults the active incidents
 * for every record, so a live producer can inject one at "now" and get the same behaviour.
 */
import { Rng } from './rng.js';
import { load } from './traffic.js';
import { SERVICES, type ServiceName } from './catalog.js';
import { CLIENT_ERROR_TEMPLATES, user, type GenLevel, type Template } from './templates.js';

/** The kinds of incident the generator can inject. */
export const INCIDENT_TYPES = ['database_outage', 'memory_leak', 'rate_limit_storm', 'cascading_failure', 'new_error_type'] as const;
/** One of the incident kinds. */
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** One incident: a window, the services it hits (in onset order for a cascade) and its parameters. */
export interface Incident {
  readonly type: IncidentType;
  /** Window [start, end) in ms since the epoch (UTC). */
  readonly start: number;
  readonly end: number;
  readonly services: readonly ServiceName[];
  /** new_error_type: which never-before-seen template it uses (0 .. NOVEL_TEMPLATES.length - 1). */
  readonly variant: number;
  /** cascading_failure: delay between one service failing and the next. */
  readonly staggerMs: number;
  /** rate_limit_storm: the client addresses flooding the gateway. */
  readonly ips: readonly string[];
}

/** Optional overrides for injectIncident; anything absent is drawn from `seed` and the start time. */
export interface IncidentOptions {
  durationMs?: number;
  services?: readonly ServiceName[];
  variant?: number;
  seed?: number;
}

/** What an incident does to one record. Fields left out keep the baseline behaviour. */
export interface Effect {
  status?: number;
  level?: GenLevel;
  text?: Template;
  /** Multiplies the drawn latency (memory leak). */
  rtFactor?: number;
  /** Replaces the latency (timeouts). */
  rt?: number;
  /** Forces the record's service and client (extra storm traffic). */
  service?: ServiceName;
  ip?: string;
}

const MINUTE = 60_000;
const DB_SERVICES: readonly ServiceName[] = ['payment', 'inventory', 'user-service', 'auth'];
const LEAK_SERVICES: readonly ServiceName[] = ['search', 'payment', 'user-service', 'notification', 'inventory'];
const NOVEL_SERVICES: readonly ServiceName[] = SERVICES.filter((s) => s !== 'api-gateway');
/** Dependency chains a cascade follows: the first fails, the rest fail because of it. */
const CASCADES: readonly (readonly ServiceName[])[] = [
  ['inventory', 'payment', 'api-gateway'],
  ['user-service', 'auth', 'api-gateway', 'notification'],
  ['search', 'inventory', 'api-gateway'],
  ['auth', 'user-service', 'payment', 'api-gateway'],
];

/**
 * Error templates that never occur outside an incident of their kind, so "a new error type"
 * detection and the label windows can be checked exactly.
 */
export const NOVEL_TEMPLATES: readonly { status: number; level: GenLevel; text: Template }[] = [
  { status: 502, level: 'ERROR', text: (c) => `TLS handshake failed with ${c.rng.pick(['10.0.4.17', '10.0.7.3'])}:443: certificate has expired (serial ${c.rng.hex(16)})` },
  { status: 500, level: 'ERROR', text: (c) => `Schema mismatch: event "${c.rng.pick(['OrderPlaced', 'CartUpdated'])}" has unknown field "${c.rng.pick(['discount_v2', 'loyalty_tier', 'gift_wrap'])}" (producer v${c.rng.range(3, 9)})` },
  { status: 503, level: 'ERROR', text: (c) => `Kafka consumer group "${c.service}-consumers" rebalance failed: member ${c.rng.hex(8)} evicted after session timeout` },
  { status: 500, level: 'CRITICAL', text: (c) => `Segmentation fault in native module sharp@0.33.${c.rng.range(0, 5)} (signal 11) at frame ${c.rng.range(1, 40)}` },
  { status: 500, level: 'ERROR', text: (c) => `Clock skew of ${c.rng.range(5000, 90000)}ms detected against ntp.internal, rejecting signed token for ${user(c.rng)}` },
  { status: 503, level: 'ERROR', text: (c) => `S3 PutObject failed for bucket "${c.service}-artifacts": SlowDown, reduce your request rate (attempt ${c.rng.range(1, 5)})` },
  { status: 502, level: 'ERROR', text: (c) => `gRPC stream to ${c.rng.pick(['ledger', 'fraud-check', 'geo'])} closed: RST_STREAM with error code PROTOCOL_ERROR after ${c.rng.range(1, 500)} messages` },
  { status: 500, level: 'ERROR', text: (c) => `License check failed: feature "${c.rng.pick(['export', 'sso', 'audit'])}" expired on 2024-12-31, request ${c.rng.hex(10)} refused` },
];

// Incident-only templates for the other kinds.
const DB_TIMEOUT: Template = () => 'Database connection failed: timeout after 30000ms';
const DB_POOL: Template = (c) => `Connection pool exhausted: 50/50 connections in use, waited 5000ms (queue ${c.rng.range(10, 400)})`;
const DB_REFUSED: Template = (c) => `Query failed on db-${c.service}-primary:5432: connection refused`;
const DB_FAILOVER: Template = (c) => `Failover to replica db-${c.service}-replica-${c.rng.range(1, 2)} did not complete within 60s`;
const MEM_PRESSURE = (heap: number): Template => () => `OutOfMemory warning: heap at ${heap}% (${Math.round((heap / 100) * 2048)}MB of 2048MB)`;
const MEM_GC: Template = (c) => `GC pause of ${c.rng.range(400, 3000)}ms exceeded threshold, heap usage critical`;
const MEM_OOM: Template = (c) => `OutOfMemoryError: JavaScript heap out of memory in worker ${c.rng.hex(8)}`;
const MEM_KILLED: Template = (c) => `Process ${c.rng.range(1000, 65000)} killed by OOM killer (RSS ${c.rng.range(2040, 2300)}MB)`;
const STORM_SOCKETS: Template = () => 'Upstream connection limit reached: 1024/1024 sockets in use';
const CASCADE_ROOT: Template = (c) => `Health check failed for ${c.service}: connection refused (${c.rng.range(3, 30)} consecutive)`;
const CASCADE_POOL: Template = (c) => `Thread pool exhausted: ${c.rng.range(200, 2000)} tasks queued, rejecting requests`;
const cascadeBreaker = (dep: ServiceName): Template => (c) => `Circuit breaker OPEN for ${dep}: ${c.rng.range(5, 50)} consecutive failures`;
const cascadeDep = (dep: ServiceName): Template => (c) => `Dependency ${dep} unavailable, failing request req-${c.rng.hex(12)}`;
const RATE_LIMIT = CLIENT_ERROR_TEMPLATES[429]![0]!;

/** Build an incident of `type` starting at `at` (ms); unspecified parameters are drawn from (seed, at). */
export function injectIncident(type: IncidentType, at: number, opts: IncidentOptions = {}): Incident {
  const rng = new Rng(opts.seed ?? 0, Math.floor(at / 1000), INCIDENT_TYPES.indexOf(type));
  const durationMs = opts.durationMs ?? rng.range(5, 20) * MINUTE;
  if (!(durationMs > 0)) throw new Error(`incident duration must be positive, got ${durationMs}`);
  let services = opts.services;
  if (services === undefined || services.length === 0) {
    if (type === 'database_outage') services = [rng.pick(DB_SERVICES)];
    else if (type === 'memory_leak') services = [rng.pick(LEAK_SERVICES)];
    else if (type === 'rate_limit_storm') services = ['api-gateway'];
    else if (type === 'cascading_failure') services = rng.pick(CASCADES);
    else services = [rng.pick(NOVEL_SERVICES)];
  }
  const variant = opts.variant ?? rng.int(NOVEL_TEMPLATES.length);
  if (type === 'new_error_type' && (variant < 0 || variant >= NOVEL_TEMPLATES.length)) {
    throw new Error(`new_error_type variant must be 0..${NOVEL_TEMPLATES.length - 1}, got ${variant}`);
  }
  // A cascade spreads over at most half the window, so every service is down for a while.
  const staggerMs = Math.min(rng.range(40, 120) * 1000, Math.floor(durationMs / 2 / Math.max(1, services.length - 1)));
  const ips = type === 'rate_limit_storm' ? Array.from({ length: rng.range(3, 5) }, () => `${rng.pick([45, 89, 185, 193])}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`) : [];
  return { type, start: at, end: at + durationMs, services, variant, staggerMs, ips };
}

/** Whether t falls in the incident's window. */
export function isActive(inc: Incident, t: number): boolean {
  return t >= inc.start && t < inc.end;
}

/** Traffic multiplier the incident causes at t (the storm triples gateway traffic; the rest leave volume alone). */
export function incidentVolume(inc: Incident, t: number): number {
  if (inc.type !== 'rate_limit_storm' || !isActive(inc, t)) return 1;
  return 1 + 2 * ramp(inc, t);
}

/** One of the extra records a storm adds: a flooding client hitting the gateway and getting 429. */
export function stormEffect(inc: Incident, rng: Rng): Effect {
  return { service: 'api-gateway', ip: rng.pick(inc.ips), status: 429, level: 'WARN', text: RATE_LIMIT, rtFactor: 0.1 };
}

/** How the incident changes a record of `service` (whose route belongs to `routeService`) at t; null when it does not. */
export function incidentEffect(inc: Incident, t: number, service: ServiceName, routeService: ServiceName, rng: Rng): Effect | null {
  const k = inc.services.indexOf(service);
  const r = ramp(inc, t);
  switch (inc.type) {
    case 'database_outage': {
      if (k < 0) {
        // The gateway waits out the same 30 s timeout on routes the broken service owns.
        if (service === 'api-gateway' && routeService === inc.services[0] && rng.chance(0.5 * r)) {
          return { status: 504, level: 'ERROR', rt: 30000 + rng.range(5, 200), text: (c) => `Timeout calling ${routeService} after ${Math.round(c.rt)}ms, request req-${c.rng.hex(12)}` };
        }
        return null;
      }
      if (!rng.chance(0.75 * r)) return null;
      const u = rng.next();
      if (u < 0.55) return { status: 500, level: 'ERROR', rt: 30000 + rng.range(1, 150), text: DB_TIMEOUT };
      if (u < 0.85) return { status: 503, level: 'ERROR', rt: 5000 + rng.range(1, 80), text: DB_POOL };
      if (u < 0.96) return { status: 500, level: 'ERROR', rtFactor: 0.3, text: DB_REFUSED };
      return { status: 503, level: 'CRITICAL', rt: 60000 + rng.range(1, 500), text: DB_FAILOVER };
    }
    case 'memory_leak': {
      if (k < 0) return null;
      const p = (t - inc.start) / (inc.end - inc.start);
      // Latency climbs with the heap: 1x at the start, about 15x at the end.
      const rtFactor = 1 + 14 * p * p;
      const u = rng.next();
      if (p > 0.6 && u < 0.55 * (p - 0.6)) {
        return rng.chance(0.9) ? { status: 503, level: 'ERROR', rtFactor, text: MEM_OOM } : { status: 500, level: 'CRITICAL', rtFactor, text: MEM_KILLED };
      }
      if (u < 0.1 + 0.25 * p) return rng.chance(0.75) ? { level: 'WARN', rtFactor, text: MEM_PRESSURE(Math.min(99, Math.round(62 + 37 * p))) } : { level: 'WARN', rtFactor, text: MEM_GC };
      return { rtFactor };
    }
    case 'rate_limit_storm': {
      if (service !== 'api-gateway') return null;
      const u = rng.next();
      if (u < 0.15 * r) return { status: 429, level: 'WARN', rtFactor: 0.1, text: RATE_LIMIT };
      if (u < 0.2 * r) return { status: 503, level: 'ERROR', rtFactor: 0.2, text: STORM_SOCKETS };
      return null;
    }
    case 'cascading_failure': {
      if (k < 0 || t < inc.start + k * inc.staggerMs || !rng.chance(0.6 * r)) return null;
      if (k === 0) return rng.chance(0.3) ? { status: 503, level: 'CRITICAL', rtFactor: 0.2, text: CASCADE_ROOT } : { status: 503, level: 'ERROR', rtFactor: 3, text: CASCADE_POOL };
      const dep = inc.services[k - 1]!;
      return rng.chance(0.5) ? { status: 503, level: 'ERROR', rtFactor: 0.1, text: cascadeBreaker(dep) } : { status: 502, level: 'ERROR', rtFactor: 2, text: cascadeDep(dep) };
    }
    case 'new_error_type': {
      if (k < 0 || !rng.chance(0.35 * r)) return null;
      const n = NOVEL_TEMPLATES[inc.variant]!;
      return { status: n.status, level: n.level, text: n.text };
    }
  }
}

/** Intensity 0..1: incidents build up over their first tenth (at most two minutes), then hold. */
function ramp(inc: Incident, t: number): number {
  const rise = Math.min(2 * MINUTE, (inc.end - inc.start) / 10);
  return Math.min(1, (t - inc.start + 1) / rise);
}

/**
 * Spread incidents over [start, end): about 2.5 a day and at least one of each kind when the span
 * allows, one per equal slot, each 5-20 minutes and kept clear of the slot edges so they never
 * overlap and each has quiet time around it; within its slot a start is likelier where load is high.
 */
export function planIncidents(start: number, end: number, seed: number): Incident[] {
  const span = end - start;
  const days = span / 86_400_000;
  const slot0 = 45 * MINUTE;
  const count = Math.min(Math.max(INCIDENT_TYPES.length, Math.round(days * 2.5)), Math.floor(span / slot0));
  if (count < 1) throw new Error(`incidents need a span of at least 45 minutes, got ${Math.round(span / MINUTE)} minutes`);
  const rng = new Rng(seed, 0x1c1d);
  const slot = span / count;
  const types: IncidentType[] = [];
  while (types.length < count) {
    // Each block of five is a shuffle of all kinds, so short spans still see every kind.
    const block = [...INCIDENT_TYPES];
    for (let i = block.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [block[i], block[j]] = [block[j]!, block[i]!];
    }
    types.push(...block);
  }
  // Novel templates in a seed-dependent order, each used once.
  const novelOrder = NOVEL_TEMPLATES.map((_, i) => i);
  for (let i = novelOrder.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [novelOrder[i], novelOrder[j]] = [novelOrder[j]!, novelOrder[i]!];
  }
  const out: Incident[] = [];
  let novel = 0;
  for (let i = 0; i < count; i++) {
    let type = types[i]!;
    // Each novel template is used once, so "never seen before" stays true however long the span.
    if (type === 'new_error_type' && novel >= NOVEL_TEMPLATES.length) type = 'database_outage';
    const durationMs = rng.range(5, 20) * MINUTE;
    const margin = Math.min(10 * MINUTE, (slot - durationMs) / 4);
    const lo = start + i * slot + margin;
    const hi = start + (i + 1) * slot - margin - durationMs;
    // Incidents follow load (deploys and saturation happen in busy hours): accept a start with probability load(t)^2.
    let at = lo;
    for (let tries = 0; tries < 50; tries++) {
      at = lo + rng.next() * Math.max(0, hi - lo);
      if (rng.next() < load(at) ** 2) break;
    }
    at = Math.round(at / 1000) * 1000;
    const variant = type === 'new_error_type' ? novelOrder[novel++]! : 0;
    out.push(injectIncident(type, at, { durationMs, variant, seed: rng.u32() }));
  }
  return out;
}

/** The labels file `start,end,type,services`: ISO 8601 UTC times, services joined by ';'. */
export function labelsCsv(incidents: readonly Incident[]): string {
  let s = 'start,end,type,services\n';
  for (const inc of incidents) s += `${new Date(inc.start).toISOString()},${new Date(inc.end).toISOString()},${inc.type},${inc.services.join(';')}\n`;
  return s;
}
