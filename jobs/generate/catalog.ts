/**
 * The simulated system: seven services, the ~30 HTTP routes they serve, the client IP pool
 * and user agents. Plain data plus the draws that depend on it.
 */
import { Rng, WeightedTable, zipfWeights } from './rng.js';

/** One HTTP route: who serves it, how it is called, how big its answers are. */
export interface Route {
  readonly path: string;
  readonly method: string;
  readonly service: ServiceName;
  /** Median response body in bytes for a successful call. */
  readonly bytes: number;
  /** Share of calls that carry a query string, and how to draw one. */
  readonly queryRate?: number;
  readonly query?: (rng: Rng) => string;
}

/** The seven services, in a fixed order (the order is part of the generator's determinism). */
export const SERVICES = ['auth', 'api-gateway', 'payment', 'inventory', 'notification', 'user-service', 'search'] as const;
/** One of the seven service names. */
export type ServiceName = (typeof SERVICES)[number];

/** Per-service traffic share and log-normal latency (median ms, sigma); payment and search are the slow ones. */
export interface ServiceProfile {
  readonly weight: number;
  readonly latencyMedian: number;
  readonly latencySigma: number;
}

/** The profile of each service. */
export const SERVICE_PROFILES: Readonly<Record<ServiceName, ServiceProfile>> = {
  auth: { weight: 14, latencyMedian: 38, latencySigma: 0.5 },
  'api-gateway': { weight: 24, latencyMedian: 26, latencySigma: 0.6 },
  payment: { weight: 9, latencyMedian: 230, latencySigma: 0.7 },
  inventory: { weight: 13, latencyMedian: 55, latencySigma: 0.6 },
  notification: { weight: 10, latencyMedian: 90, latencySigma: 0.8 },
  'user-service': { weight: 14, latencyMedian: 42, latencySigma: 0.5 },
  search: { weight: 16, latencyMedian: 115, latencySigma: 0.75 },
};

const SEARCH_TERMS = [
  'laptop', 'running+shoes', 'coffee', 'headphones', 'desk+lamp', 'usb-c', 'backpack', 'monitor', 'keyboard', 'water+bottle',
  'tent', 'yoga+mat', 'charger', 'phone+case', 'sneakers', 'jacket', 'blender', 'camera', 'watch', 'book',
];
const page = (rng: Rng): string => `?page=${rng.range(1, 10)}`;
const searchQuery = (rng: Rng): string => (rng.chance(0.7) ? `?q=${rng.pick(SEARCH_TERMS)}` : `?q=${rng.pick(SEARCH_TERMS)}&page=${rng.range(2, 5)}`);
// Ids follow a power law (P(id >= k) = k^-2/3: a few popular products and orders, a long tail)
// capped at 500, so the route+query strings stay around a thousand distinct values.
const smallId = (rng: Rng): number => Math.min(500, Math.floor(Math.pow(1 - rng.next(), -1.5)));

/** Every route the system serves (31); api-gateway proxies all of them. */
export const ROUTES: readonly Route[] = [
  { path: '/api/v1/auth/login', method: 'POST', service: 'auth', bytes: 420 },
  { path: '/api/v1/auth/logout', method: 'POST', service: 'auth', bytes: 60 },
  { path: '/api/v1/auth/refresh', method: 'POST', service: 'auth', bytes: 380 },
  { path: '/api/v1/auth/verify', method: 'GET', service: 'auth', bytes: 120 },
  { path: '/health', method: 'GET', service: 'api-gateway', bytes: 40 },
  { path: '/api/v1/status', method: 'GET', service: 'api-gateway', bytes: 220 },
  { path: '/api/v1/config', method: 'GET', service: 'api-gateway', bytes: 1800 },
  { path: '/api/v1/payments', method: 'POST', service: 'payment', bytes: 640 },
  { path: '/api/v1/payments', method: 'GET', service: 'payment', bytes: 5200, queryRate: 0.5, query: page },
  { path: '/api/v1/payments/refund', method: 'POST', service: 'payment', bytes: 510 },
  { path: '/api/v1/invoices', method: 'GET', service: 'payment', bytes: 8400, queryRate: 0.4, query: page },
  { path: '/api/v1/orders', method: 'POST', service: 'payment', bytes: 900 },
  { path: '/api/v1/orders', method: 'GET', service: 'payment', bytes: 3100, queryRate: 0.6, query: (r) => `?id=${smallId(r)}` },
  { path: '/api/v1/products', method: 'GET', service: 'inventory', bytes: 14500, queryRate: 0.5, query: (r) => (r.chance(0.5) ? page(r) : `?sort=${r.pick(['price', 'name', 'rating'])}`) },
  { path: '/api/v1/products/detail', method: 'GET', service: 'inventory', bytes: 2600, queryRate: 1, query: (r) => `?id=${smallId(r)}` },
  { path: '/api/v1/inventory/stock', method: 'PUT', service: 'inventory', bytes: 180 },
  { path: '/api/v1/inventory/reserve', method: 'POST', service: 'inventory', bytes: 240 },
  { path: '/api/v1/categories', method: 'GET', service: 'inventory', bytes: 3900 },
  { path: '/api/v1/notifications/email', method: 'POST', service: 'notification', bytes: 90 },
  { path: '/api/v1/notifications/push', method: 'POST', service: 'notification', bytes: 90 },
  { path: '/api/v1/notifications/sms', method: 'POST', service: 'notification', bytes: 90 },
  { path: '/api/v1/notifications', method: 'GET', service: 'notification', bytes: 2100, queryRate: 0.3, query: () => '?unread=true' },
  { path: '/api/v1/users/me', method: 'GET', service: 'user-service', bytes: 1200 },
  { path: '/api/v1/users/me', method: 'PATCH', service: 'user-service', bytes: 1150 },
  { path: '/api/v1/users', method: 'POST', service: 'user-service', bytes: 700 },
  { path: '/api/v1/users/preferences', method: 'GET', service: 'user-service', bytes: 860 },
  { path: '/api/v1/users/sessions', method: 'DELETE', service: 'user-service', bytes: 0 },
  { path: '/api/v1/orders/history', method: 'GET', service: 'user-service', bytes: 6800, queryRate: 0.35, query: page },
  { path: '/api/v1/search', method: 'GET', service: 'search', bytes: 9800, queryRate: 0.95, query: searchQuery },
  { path: '/api/v1/search/suggest', method: 'GET', service: 'search', bytes: 640, queryRate: 1, query: (r) => `?q=${r.pick(SEARCH_TERMS).slice(0, r.range(2, 4))}` },
  { path: '/api/v2/search', method: 'GET', service: 'search', bytes: 11200, queryRate: 0.95, query: searchQuery },
  { path: '/api/v1/search/reindex', method: 'POST', service: 'search', bytes: 150 },
];

/** Routes each service logs for; api-gateway sees every route, weighted toward its own health checks. */
export function routeTables(): Record<ServiceName, WeightedTable<Route>> {
  const out = {} as Record<ServiceName, WeightedTable<Route>>;
  for (const s of SERVICES) {
    const own = ROUTES.filter((r) => r.service === s || s === 'api-gateway');
    // Reads dominate writes; reindex and config calls are rare admin operations.
    const w = own.map((r) => (r.path === '/api/v1/search/reindex' || r.path === '/api/v1/config' ? 0.05 : r.method === 'GET' ? 3 : 1) * (r.path === '/health' ? 4 : 1));
    out[s] = new WeightedTable(own, w);
  }
  return out;
}

// First octets of ordinary public unicast space (no multicast, loopback, CGNAT or documentation ranges).
const PUBLIC_FIRST = [23, 31, 37, 45, 52, 62, 66, 73, 77, 81, 89, 91, 95, 103, 104, 109, 122, 141, 151, 176, 178, 185, 188, 197, 212, 213];

/** The client address pool: `size` distinct IPs (private and public), in rank order for a Zipf draw. */
export function makeIpPool(seed: number, size = 2000): string[] {
  const rng = new Rng(seed, 0x1b);
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < size) {
    const u = rng.next();
    let ip: string;
    if (u < 0.4) ip = `10.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
    else if (u < 0.55) ip = `192.168.${rng.int(256)}.${rng.range(1, 254)}`;
    else if (u < 0.65) ip = `172.${rng.range(16, 31)}.${rng.int(256)}.${rng.range(1, 254)}`;
    else ip = `${rng.pick(PUBLIC_FIRST)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
    if (!seen.has(ip)) {
      seen.add(ip);
      out.push(ip);
    }
  }
  return out;
}

/** Zipf exponent of the client distribution: the top client sends ~14% of requests, the top 20 about half. */
export const IP_ZIPF_S = 1.05;

/** A weighted table over the pool, heavy-tailed by rank. */
export function ipTable(pool: readonly string[]): WeightedTable<string> {
  return new WeightedTable(pool, zipfWeights(pool.length, IP_ZIPF_S));
}

/** User agents for access-log lines, most common first. */
export const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'okhttp/4.12.0',
  'python-requests/2.32.3',
  'Go-http-client/1.1',
  'curl/8.5.0',
  'kube-probe/1.31',
];
/** Weights matching USER_AGENTS. */
export const USER_AGENT_WEIGHTS: readonly number[] = [30, 18, 14, 8, 10, 7, 5, 4, 2, 2];

/** Referers for access-log lines ('-' when there is none). */
export const REFERERS: readonly string[] = ['-', '-', '-', 'https://shop.example.com/', 'https://shop.example.com/cart', 'https://www.google.com/'];
