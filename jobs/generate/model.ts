/**
 * The log model: given a time, draw one record of the simulated system (service, route, client,
 * outcome, latency, message), with any active incident applied. It knows nothing about line
 * formats or files, so the batch generator and a live producer share it.
 */
import { Rng, WeightedTable } from './rng.js';
import { ipTable, makeIpPool, ROUTES, routeTables, SERVICE_PROFILES, SERVICES, type Route, type ServiceName } from './catalog.js';
import { CLIENT_ERROR_TEMPLATES, DEBUG_TEMPLATES, ERROR_TEMPLATES, GENERIC_INFO, gatewayInfo, ROUTE_INFO_TEMPLATES, WARN_TEMPLATES, type ErrorTemplate, type GenLevel, type Template } from './templates.js';
import { incidentEffect, incidentVolume, injectIncident, isActive, stormEffect, type Effect, type Incident, type IncidentOptions, type IncidentType } from './incidents.js';
import { load } from './traffic.js';

/** One generated log record: the fields every output format carries. */
export interface GenRecord {
  /** ms since the epoch, UTC. */
  timestamp: number;
  level: GenLevel;
  service: string;
  message: string;
  ip: string;
  /** Route path, with a query string on some requests (exactly as it appears in the line). */
  endpoint: string;
  method: string;
  status_code: number;
  /** Latency in ms, rounded to 0.1 ms. */
  response_time_ms: number;
  /** Response body size; 0 for 204/304 and bodiless answers. */
  bytes: number;
}

/** Options for a model. */
export interface ModelOptions {
  /** PRNG seed (default 42). */
  seed?: number;
}

/** Baseline share of requests that fail on the server side (times the hourly error multiplier). */
const SERVER_ERROR_RATE = 0.026;
/** Baseline share of client errors (4xx). */
const CLIENT_ERROR_RATE = 0.04;
/** Share of requests from the handful of scanning / credential-stuffing clients. */
const SCANNER_RATE = 0.003;
const CLIENT_STATUS = new WeightedTable([400, 401, 403, 404, 429], [25, 18, 7, 40, 10]);
const PROBE_PATHS = ['/wp-login.php', '/.env', '/admin/config.php', '/phpmyadmin/index.php', '/.git/config'];
const LOGIN_ROUTE: Route = { path: '/api/v1/auth/login', method: 'POST', service: 'auth', bytes: 420 };

/** Draws records for any time; stateful only through its PRNG and the incidents it was given. */
export class LogModel {
  readonly seed: number;
  private readonly rng: Rng;
  private readonly serviceTable = new WeightedTable(SERVICES, SERVICES.map((s) => SERVICE_PROFILES[s].weight));
  private readonly routes = routeTables();
  private readonly ips: WeightedTable<string>;
  private readonly scanners: readonly string[];
  private readonly incidentList: Incident[] = [];
  /** Longest incident so far: how far back an incident can start and still be running. */
  private maxDuration = 0;
  /** Success templates per route, resolved once: the service's own view and the gateway's. */
  private readonly routeInfo = new Map<Route, readonly Template[]>(ROUTES.map((r) => [r, ROUTE_INFO_TEMPLATES[`${r.method} ${r.path}`] ?? [GENERIC_INFO]]));
  private readonly gatewayRouteInfo = new Map<Route, Template>(ROUTES.map((r) => [r, gatewayInfo(r)]));
  // Per-minute and per-hour caches: load, error multiplier, active incidents, the hour's error mix.
  private minuteKey = Number.NaN;
  private minuteLoad = 0;
  private errRate = SERVER_ERROR_RATE;
  private active: Incident[] = [];
  private hourKey = Number.NaN;
  private hourErrFactor = 1;
  private errorTables = {} as Record<ServiceName, WeightedTable<ErrorTemplate>>;

  constructor(opts: ModelOptions = {}) {
    this.seed = (opts.seed ?? 42) >>> 0;
    this.rng = new Rng(this.seed, 0x5eed);
    const pool = makeIpPool(this.seed);
    this.ips = ipTable(pool);
    // Scanners are mid-ranked clients: their 401/404 share stands out per IP, their volume does not.
    this.scanners = [pool[37]!, pool[58]!, pool[91]!, pool[140]!];
  }

  /** The incidents this model applies, in start order. */
  get incidents(): readonly Incident[] {
    return this.incidentList;
  }

  /** Inject an incident of `type` starting at `at` (ms); returns it (its window and services are the label). */
  injectIncident(type: IncidentType, at: number, opts: IncidentOptions = {}): Incident {
    const inc = injectIncident(type, at, { seed: this.seed, ...opts });
    this.addIncident(inc);
    return inc;
  }

  /** Apply an incident built elsewhere (e.g. by planIncidents). */
  addIncident(inc: Incident): void {
    this.incidentList.push(inc);
    this.incidentList.sort((a, b) => a.start - b.start);
    this.maxDuration = Math.max(this.maxDuration, inc.end - inc.start);
    this.minuteKey = Number.NaN;
  }

  /** Traffic multiplier at t from the active incidents (1 when quiet). */
  volume(t: number): number {
    let v = 1;
    for (const inc of this.overlapping(t, t + 1)) v *= incidentVolume(inc, t);
    return v;
  }

  /** Incidents whose window meets [from, to): a binary search, so years of incidents stay cheap per minute. */
  private overlapping(from: number, to: number): Incident[] {
    const list = this.incidentList;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.start < to) lo = mid + 1;
      else hi = mid;
    }
    const out: Incident[] = [];
    for (let i = lo - 1; i >= 0 && list[i]!.start + this.maxDuration > from; i--) if (list[i]!.end > from) out.push(list[i]!);
    return out.reverse();
  }

  /** Draw one record at time t. */
  record(t: number): GenRecord {
    this.prepare(t);
    const rng = this.rng;
    let eff: Effect | null = null;
    for (const inc of this.active) {
      if (!isActive(inc, t)) continue;
      const v = incidentVolume(inc, t);
      if (v > 1 && rng.chance(1 - 1 / v)) {
        eff = stormEffect(inc, rng);
        break;
      }
    }
    if (eff === null && rng.chance(SCANNER_RATE)) return this.scannerRecord(t);

    const service = eff?.service ?? this.serviceTable.draw(rng);
    const route = this.routes[service].draw(rng);
    const endpoint = route.query !== undefined && rng.chance(route.queryRate ?? 0) ? route.path + route.query(rng) : route.path;
    const ip = eff?.ip ?? this.ips.draw(rng);
    if (eff === null) {
      for (const inc of this.active) {
        if (!isActive(inc, t)) continue;
        eff = incidentEffect(inc, t, service, route.service, rng);
        if (eff !== null) break;
      }
    }

    const prof = SERVICE_PROFILES[service];
    // Busy minutes are slower: up to +40% at peak load.
    let rt = rng.logNormal(prof.latencyMedian * (0.8 + 0.4 * this.minuteLoad), prof.latencySigma);
    if (eff?.rtFactor !== undefined) rt *= eff.rtFactor;
    let status: number;
    let level: GenLevel;
    let text: Template;
    if (eff?.text !== undefined) {
      status = eff.status ?? successStatus(route.method, rng);
      level = eff.level ?? 'INFO';
      text = eff.text;
      if (eff.rt !== undefined) rt = eff.rt;
    } else {
      const u = rng.next();
      if (u < this.errRate) {
        const tpl = this.errorTables[service].draw(rng);
        status = tpl.status;
        level = tpl.level;
        text = tpl.text;
        if (tpl.rt !== undefined) rt = tpl.rt(rng, rt);
      } else if (u < this.errRate + CLIENT_ERROR_RATE) {
        status = CLIENT_STATUS.draw(rng);
        // Rejections are cheap: validation and auth fail before any real work.
        rt *= 0.3;
        level = status === 404 ? (rng.chance(0.5) ? 'INFO' : 'WARN') : status === 400 && rng.chance(0.25) ? 'INFO' : 'WARN';
        text = rng.pick(CLIENT_ERROR_TEMPLATES[status]!);
      } else {
        status = successStatus(route.method, rng);
        const v = rng.next();
        if (rt > 1000 && v < 0.6) {
          level = 'WARN';
          text = WARN_TEMPLATES[0]!;
        } else if (v < 0.004) {
          level = 'WARN';
          text = WARN_TEMPLATES[1 + rng.int(WARN_TEMPLATES.length - 1)]!;
        } else if (v < 0.18) {
          level = 'DEBUG';
          text = rng.pick(DEBUG_TEMPLATES);
        } else {
          level = 'INFO';
          text = service === 'api-gateway' ? this.gatewayRouteInfo.get(route)! : rng.pick(this.routeInfo.get(route)!);
        }
      }
    }
    rt = Math.max(0.1, Math.round(rt * 10) / 10);
    const message = text({ rng, service, route, endpoint, ip, rt });
    return { timestamp: t, level, service, message, ip, endpoint, method: route.method, status_code: status, response_time_ms: rt, bytes: bodyBytes(status, route, rng) };
  }

  /** A request from a scanner: credential stuffing on login (401) or probing for well-known files (404). */
  private scannerRecord(t: number): GenRecord {
    const rng = this.rng;
    const ip = rng.pick(this.scanners);
    const login = rng.chance(0.5);
    const route: Route = login ? LOGIN_ROUTE : { path: rng.pick(PROBE_PATHS), method: 'GET', service: 'api-gateway', bytes: 0 };
    const status = login ? 401 : 404;
    const rt = Math.max(0.1, Math.round(rng.logNormal(4, 0.4) * 10) / 10);
    const message = CLIENT_ERROR_TEMPLATES[status]![0]!({ rng, service: 'api-gateway', route, endpoint: route.path, ip, rt });
    return { timestamp: t, level: 'WARN', service: 'api-gateway', message, ip, endpoint: route.path, method: route.method, status_code: status, response_time_ms: rt, bytes: bodyBytes(status, route, rng) };
  }

  /** Refresh the per-minute and per-hour state when t leaves the cached minute. */
  private prepare(t: number): void {
    const minute = Math.floor(t / 60_000);
    if (minute === this.minuteKey) return;
    this.minuteKey = minute;
    const hour = Math.floor(minute / 60);
    if (hour !== this.hourKey) this.prepareHour(hour);
    this.minuteLoad = load(t);
    // Errors rise with load (saturation) and drift from hour to hour.
    this.errRate = SERVER_ERROR_RATE * (0.6 + 0.6 * this.minuteLoad) * this.hourErrFactor;
    const m0 = minute * 60_000;
    this.active = this.overlapping(m0, m0 + 60_000);
  }

  /** The hour's error multiplier and error mix: the same hour always gets the same draw, whatever came before. */
  private prepareHour(hour: number): void {
    this.hourKey = hour;
    const r = new Rng(this.seed, hour, 0xe7);
    this.hourErrFactor = Math.exp(0.25 * r.normal() + 0.25 * Math.sin((2 * Math.PI * hour) / 11 + (this.seed % 7)));
    // Each template's weight wanders log-normally per hour, so the top error type changes over the day.
    const perturbed = ERROR_TEMPLATES.map((tpl) => tpl.weight * Math.exp(0.7 * r.normal()));
    for (const s of SERVICES) {
      const idx = ERROR_TEMPLATES.map((tpl, i) => i).filter((i) => ERROR_TEMPLATES[i]!.services?.includes(s) ?? true);
      this.errorTables[s] = new WeightedTable(idx.map((i) => ERROR_TEMPLATES[i]!), idx.map((i) => perturbed[i]!));
    }
  }
}

/** Status of a successful call, by method: reads are sometimes cached (304) or redirected (301). */
function successStatus(method: string, rng: Rng): number {
  if (method === 'GET') {
    const u = rng.next();
    return u < 0.91 ? 200 : u < 0.99 ? 304 : 301;
  }
  if (method === 'POST') return rng.chance(0.45) ? 201 : 200;
  if (method === 'DELETE') return 204;
  return 200;
}

/** Response size: the route's typical body for a success, a small error document otherwise. */
function bodyBytes(status: number, route: Route, rng: Rng): number {
  if (status === 204 || status === 304 || (status < 300 && route.bytes === 0)) return 0;
  if (status === 301) return 230 + rng.int(10);
  if (status === 202) return 40 + rng.int(30);
  if (status >= 400) return Math.round(rng.logNormal(160, 0.35));
  return Math.round(rng.logNormal(route.bytes, 0.6));
}
