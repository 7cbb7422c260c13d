/**
 * Message templates: the constant text a template miner should recover, with realistic
 * variable parts (user, order and hex ids, IPs, durations, paths). Some messages carry commas
 * and double quotes on purpose, so CSV quoting and JSON escaping are exercised.
 */
import type { Rng } from './rng.js';
import type { Route, ServiceName } from './catalog.js';

/** What a template may mention about the request it describes. */
export interface MsgCtx {
  readonly rng: Rng;
  readonly service: ServiceName;
  readonly route: Route;
  /** Path with its query string, as logged. */
  readonly endpoint: string;
  readonly ip: string;
  /** Response time in ms (already final). */
  readonly rt: number;
}

/** A message template: builds one message from the request context. */
export type Template = (c: MsgCtx) => string;

/** Levels the generator writes (canonical spellings only). */
export type GenLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'FATAL';

/** A template for a failed request: the status and level it implies and where it can occur. */
export interface ErrorTemplate {
  readonly id: string;
  readonly status: number;
  readonly level: GenLevel;
  /** Relative frequency in the baseline mix (before the hourly perturbation). */
  readonly weight: number;
  /** Services that can log it; all when absent. */
  readonly services?: readonly ServiceName[];
  /** Response time this failure takes, when it is not the service's usual latency. */
  readonly rt?: (rng: Rng, usual: number) => number;
  readonly text: Template;
}

// Variable parts. Ranges are wide so the miner sees many distinct values per slot.
/** A user id such as user_48213. */
export const user = (r: Rng): string => `user_${r.range(1000, 99999)}`;
/** An order id such as ORD-4821337. */
export const order = (r: Rng): string => `ORD-${r.range(1000000, 9999999)}`;
const sku = (r: Rng): string => `SKU-${r.range(10000, 99999)}`;
const reqId = (r: Rng): string => `req-${r.hex(12)}`;
const amount = (r: Rng): string => `${r.range(3, 899)}.${String(r.int(100)).padStart(2, '0')}`;
const ms = (rt: number): string => String(Math.round(rt));
const TABLES = ['orders', 'users', 'payments', 'sessions', 'inventory_items', 'invoices', 'products'];
const CACHE_PREFIXES = ['user', 'session', 'product', 'cart', 'price', 'token'];
const cacheKey = (r: Rng): string => `${r.pick(CACHE_PREFIXES)}:${r.range(1, 99999)}`;
const FLAGS = ['new_checkout', 'dark_mode', 'search_v2', 'one_click_pay', 'recommendations'];
const FIELDS = ['email', 'phone', 'postal_code', 'quantity', 'card_number', 'birth_date'];
const REASONS = ['must be a valid address', 'must not be empty', 'exceeds maximum length of 64', 'has an invalid format'];
const ROLES = ['admin', 'billing:write', 'inventory:manage', 'support'];
const EMAIL_TEMPLATES = ['order_confirmation', 'password_reset', 'shipping_update', 'welcome'];
const HANDLERS = ['OrderController.create', 'CartService.merge', 'ProfileHandler.update', 'SearchController.query', 'TokenService.refresh'];
const PROPS = ['id', 'items', 'userId', 'length', 'price'];
const QUEUES = ['orders.events', 'notifications.outbox', 'search.index', 'audit.log'];
const EVENTS = ['OrderPlaced', 'PaymentCaptured', 'UserRegistered', 'StockReserved'];
const CONSTRAINTS = ['orders_pkey', 'users_email_key', 'payments_idempotency_key'];
const CONFIG_KEYS = ['DATABASE_URL', 'JWT_SECRET', 'REDIS_HOST'];
const PROVIDERS = ['stripe', 'adyen', 'paypal'];
const HOSTS = ['10.0.4.17', '10.0.4.18', '10.0.7.3', '10.0.9.21'];
const UPSTREAMS: Readonly<Record<ServiceName, readonly ServiceName[]>> = {
  auth: ['user-service'],
  'api-gateway': ['auth', 'payment', 'inventory', 'user-service', 'search', 'notification'],
  payment: ['inventory', 'user-service', 'notification', 'auth'],
  inventory: ['search'],
  notification: ['user-service'],
  'user-service': ['auth', 'notification'],
  search: ['inventory'],
};
/** A service this one calls: for the gateway, the service that owns the route. */
export function upstream(c: MsgCtx): ServiceName {
  if (c.service === 'api-gateway' && c.route.service !== 'api-gateway') return c.route.service;
  return c.rng.pick(UPSTREAMS[c.service]);
}
const path = (c: MsgCtx): string => c.endpoint;

const CURRENCIES = ['USD', 'EUR', 'GBP'];
const login: Template = (c) => `User ${user(c.rng)} logged in successfully`;
const session: Template = (c) => `Session ${c.rng.hex(16)} created for user ${user(c.rng)}`;
const routed: Template = (c) => `Request ${reqId(c.rng)} routed to ${upstream(c)} in ${ms(c.rt)}ms`;
const healthy: Template = (c) => `Health check passed, ${c.rng.range(5, 6)}/6 upstreams healthy`;
const catalogPage: Template = (c) => `Served ${c.rng.range(12, 48)} products from catalog in ${ms(c.rt)}ms`;
const profileRead: Template = (c) => `User ${user(c.rng)} loaded from cache in ${(c.rt / 10).toFixed(1)}ms`;
const searchDone: Template = (c) => `Search query "${c.rng.pick(['laptop', 'coffee', 'usb-c cable', 'running shoes', 'monitor'])}" returned ${c.rng.range(0, 4800)} results in ${ms(c.rt)}ms`;

/** Successful-request messages by route ("METHOD path"), so a login line says a user logged in (27). */
export const ROUTE_INFO_TEMPLATES: Readonly<Record<string, readonly Template[]>> = {
  'POST /api/v1/auth/login': [login, session],
  'POST /api/v1/auth/logout': [(c) => `User ${user(c.rng)} logged out, session ${c.rng.hex(16)} closed`],
  'POST /api/v1/auth/refresh': [(c) => `Token refreshed for user ${user(c.rng)}, expires in ${c.rng.pick([900, 1800, 3600])}s`],
  'GET /api/v1/auth/verify': [(c) => `Token verified for user ${user(c.rng)} (scope "${c.rng.pick(['read', 'read write', 'checkout'])}")`],
  'POST /api/v1/payments': [(c) => `Payment pay_${c.rng.hex(10)} authorized for order ${order(c.rng)}, amount ${amount(c.rng)} ${c.rng.pick(CURRENCIES)}`],
  'GET /api/v1/payments': [(c) => `Listed ${c.rng.range(0, 50)} payments for customer ${user(c.rng)}`],
  'POST /api/v1/payments/refund': [(c) => `Refund re_${c.rng.hex(10)} processed for order ${order(c.rng)}`],
  'GET /api/v1/invoices': [(c) => `Invoice INV-${c.rng.range(100000, 999999)} generated for customer ${user(c.rng)}`],
  'POST /api/v1/orders': [(c) => `Order ${order(c.rng)} created for ${user(c.rng)}: ${c.rng.range(1, 9)} items, total ${amount(c.rng)} ${c.rng.pick(CURRENCIES)}`],
  'GET /api/v1/orders': [(c) => `Order ${order(c.rng)} status is ${c.rng.pick(['pending', 'paid', 'shipped', 'delivered'])}`],
  'GET /api/v1/products': [catalogPage],
  'GET /api/v1/products/detail': [catalogPage],
  'GET /api/v1/categories': [catalogPage],
  'PUT /api/v1/inventory/stock': [(c) => `Stock updated for ${sku(c.rng)}: ${c.rng.range(0, 500)} units available`],
  'POST /api/v1/inventory/reserve': [(c) => `Reserved ${c.rng.range(1, 5)} units of ${sku(c.rng)} for order ${order(c.rng)}`],
  'POST /api/v1/notifications/email': [(c) => `Email sent to ${user(c.rng)} (template "${c.rng.pick(EMAIL_TEMPLATES)}")`],
  'POST /api/v1/notifications/push': [(c) => `Push notification delivered to device ${c.rng.hex(16)}`],
  'POST /api/v1/notifications/sms': [(c) => `SMS queued for ${user(c.rng)} via provider ${c.rng.pick(['twilio', 'vonage'])}`],
  'GET /api/v1/users/me': [profileRead],
  'PATCH /api/v1/users/me': [(c) => `Profile updated for user ${user(c.rng)}, fields: ${c.rng.chance(0.5) ? 'name, email' : 'address'}`],
  'POST /api/v1/users': [(c) => `New account registered: ${user(c.rng)}, verification email queued`],
  'GET /api/v1/users/preferences': [(c) => `Preferences loaded for ${user(c.rng)}`],
  'DELETE /api/v1/users/sessions': [(c) => `All sessions revoked for ${user(c.rng)}`],
  'GET /api/v1/orders/history': [(c) => `Order history for ${user(c.rng)}: ${c.rng.range(0, 120)} orders`],
  'GET /api/v1/notifications': [(c) => `Fetched ${c.rng.range(0, 30)} notifications for ${user(c.rng)}`],
  'GET /api/v1/search': [searchDone],
  'GET /api/v2/search': [searchDone],
  'GET /api/v1/search/suggest': [(c) => `Suggestions for prefix "${c.endpoint.slice(c.endpoint.indexOf('=') + 1)}" served in ${ms(c.rt)}ms`],
  'POST /api/v1/search/reindex': [(c) => `Index products refreshed, ${c.rng.range(20000, 90000)} documents`],
};

/** Success message for a route the table does not list (only the scanners' probe paths, which never succeed). */
export const GENERIC_INFO: Template = (c) => `Request completed in ${ms(c.rt)}ms`;

/** What the gateway logs on success: its own routes answer for themselves, the rest is routing. */
export function gatewayInfo(route: Route): Template {
  if (route.path === '/health') return healthy;
  if (route.path === '/api/v1/status') return (c) => `Status page served: ${c.rng.range(5, 6)}/6 services up`;
  if (route.path === '/api/v1/config') return (c) => `Config version ${c.rng.range(100, 140)} served to client ${c.ip}`;
  return routed;
}

/** DEBUG messages any service may log (5). */
export const DEBUG_TEMPLATES: readonly Template[] = [
  (c) => `Cache hit for key "${cacheKey(c.rng)}"`,
  (c) => `Cache miss for key "${cacheKey(c.rng)}", loading from database`,
  (c) => `SQL executed in ${(c.rt / 4).toFixed(1)}ms: SELECT * FROM ${c.rng.pick(TABLES)} WHERE id = ${c.rng.range(1, 999999)}`,
  (c) => `Feature flag "${c.rng.pick(FLAGS)}" evaluated to ${c.rng.chance(0.5)} for ${user(c.rng)}`,
  (c) => `Connection pool stats: active ${c.rng.range(1, 40)}, idle ${c.rng.range(0, 20)}, waiting ${c.rng.range(0, 3)}`,
];

/** Client-error messages, by status (8). */
export const CLIENT_ERROR_TEMPLATES: Readonly<Record<number, readonly Template[]>> = {
  400: [
    (c) => `Validation failed for field "${c.rng.pick(FIELDS)}": ${c.rng.pick(REASONS)}`,
    (c) => `Malformed JSON in request body at position ${c.rng.range(1, 4096)}`,
  ],
  401: [
    (c) => `Invalid credentials for user ${user(c.rng)} from ${c.ip}`,
    (c) => `Expired token for user ${user(c.rng)}, issued ${c.rng.range(3600, 86400)}s ago`,
  ],
  403: [(c) => `Access denied: user ${user(c.rng)} lacks role "${c.rng.pick(ROLES)}" for ${path(c)}`],
  404: [(c) => `Resource not found: ${path(c)}`, (c) => `Order ${order(c.rng)} not found`],
  429: [(c) => `Rate limit exceeded for client ${c.ip}: ${c.rng.range(601, 900)} requests in 60s (limit 600)`],
};

/** Warnings on requests that still succeeded (4); the first is the slow-request one. */
export const WARN_TEMPLATES: readonly Template[] = [
  (c) => `Slow request: ${c.route.method} ${path(c)} took ${ms(c.rt)}ms (threshold 1000ms)`,
  (c) => `Retrying call to ${upstream(c)} (attempt ${c.rng.range(2, 3)}/3) after ${c.rng.range(50, 800)}ms`,
  (c) => `Deprecated API version v1 called by client ${c.ip}, please migrate to v2`,
  (c) => `Disk usage at ${c.rng.range(80, 94)}% on volume /var/lib/${c.service}`,
];

const timeout = (r: Rng): number => r.pick([1000, 2000, 5000, 10000]) * (1 + r.next() * 0.02);

/** Server-side failures (14): ERROR, CRITICAL and FATAL, each with the status it returns. */
export const ERROR_TEMPLATES: readonly ErrorTemplate[] = [
  { id: 'unhandled', status: 500, level: 'ERROR', weight: 14, text: (c) => `Unhandled exception in ${c.rng.pick(HANDLERS)}: TypeError: Cannot read properties of undefined (reading '${c.rng.pick(PROPS)}')` },
  { id: 'bad_gateway', status: 502, level: 'ERROR', weight: 12, rt: (r, u) => u * 3 + r.range(5, 400), text: (c) => `Upstream ${upstream(c)} returned 502 Bad Gateway after ${ms(c.rt)}ms` },
  { id: 'timeout', status: 504, level: 'ERROR', weight: 12, rt: timeout, text: (c) => `Timeout calling ${upstream(c)} after ${ms(c.rt)}ms, request ${reqId(c.rng)}` },
  { id: 'deadlock', status: 500, level: 'ERROR', weight: 6, services: ['payment', 'inventory', 'user-service', 'auth'], rt: (r, u) => u * 4, text: (c) => `Deadlock detected on table ${c.rng.pick(TABLES)}, transaction ${c.rng.hex(8)} rolled back` },
  { id: 'conn_reset', status: 502, level: 'ERROR', weight: 8, text: (c) => `Connection reset by peer while reading from ${c.rng.pick(HOSTS)}:${c.rng.pick([5432, 6379, 8080, 9092])}` },
  { id: 'shard', status: 503, level: 'ERROR', weight: 10, services: ['search'], text: (c) => `Search cluster shard ${c.rng.range(0, 11)} unavailable, returning partial results` },
  { id: 'provider', status: 502, level: 'ERROR', weight: 10, services: ['payment'], rt: (r, u) => u * 2 + r.range(100, 3000), text: (c) => `Payment provider ${c.rng.pick(PROVIDERS)} error for order ${order(c.rng)}: HTTP 500, retry scheduled` },
  { id: 'redis_timeout', status: 503, level: 'ERROR', weight: 7, rt: (r) => r.pick([250, 500, 1000]) * (1 + r.next() * 0.05), text: (c) => `Redis command timed out after ${ms(c.rt)}ms (key "${cacheKey(c.rng)}")` },
  // Async failures: the request itself was accepted (202), the side effect failed.
  { id: 'smtp', status: 202, level: 'ERROR', weight: 9, services: ['notification'], text: (c) => `Failed to send email to ${user(c.rng)}: SMTP 421 service not available` },
  { id: 'publish', status: 202, level: 'ERROR', weight: 7, text: (c) => `Failed to publish event ${c.rng.pick(EVENTS)} to queue "${c.rng.pick(QUEUES)}": broker unavailable` },
  { id: 'unhealthy', status: 503, level: 'CRITICAL', weight: 2.5, text: (c) => `Instance ${c.rng.hex(8)} of ${c.service} failed ${c.rng.range(3, 6)} health checks in a row, marking unhealthy` },
  { id: 'integrity', status: 500, level: 'CRITICAL', weight: 2, services: ['payment', 'user-service', 'inventory'], text: (c) => `Data integrity violation: duplicate key value violates unique constraint "${c.rng.pick(CONSTRAINTS)}"` },
  { id: 'exit', status: 500, level: 'FATAL', weight: 0.25, text: (c) => `Unrecoverable error: worker ${c.rng.hex(8)} exiting with code ${c.rng.pick([1, 134, 137])}` },
  { id: 'config', status: 503, level: 'FATAL', weight: 0.1, text: (c) => `Configuration invalid: missing required key "${c.rng.pick(CONFIG_KEYS)}", shutting down` },
];
