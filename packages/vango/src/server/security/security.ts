/**
 * The app's security layer, built once by the app assembly from its (already
 * validated) options: the HTTP guard's parts (headers, CORS, rate limits, CSRF
 * settings), the WebSocket origin policy, connection caps and per-session event budget.
 */
import type { IncomingMessage } from "node:http";
import type { Logger } from "../core/logger.ts";
import { clientIp, type TrustProxy } from "./client-ip.ts";
import { ConnectionLimiter } from "./connection-limiter.ts";
import { type CorsHandler, cors } from "./cors.ts";
import type { FormReadLimits } from "./csrf.ts";
import {
  DEFAULT_CONNECTION_LIMITS,
  DEFAULT_FORM_TIMEOUT_MS,
  DEFAULT_MAX_FORM_BYTES,
  DEFAULT_RATE_LIMITS,
  type SecurityOptions,
} from "./options.ts";
import { OriginPolicy } from "./origin.ts";
import {
  type HttpRateLimiter,
  type HttpRateLimitPolicy,
  httpRateLimit,
} from "./rate-limit/http-rate-limit.ts";
import { MemoryRateLimitStore } from "./rate-limit/memory-store.ts";
import { type StoreCircuit, storeCircuit } from "./rate-limit/store-circuit.ts";
import type { EventBudgetOptions } from "./rate-limit/ws-event-budget.ts";
import { type ApplySecurityHeaders, securityHeaders } from "./security-headers.ts";

export interface Security {
  readonly devMode: boolean;
  readonly trustProxy: TrustProxy;
  readonly userOf: ((req: IncomingMessage) => string | undefined) | undefined;
  /** Allowed WebSocket origins besides the request's own host. */
  readonly origins: OriginPolicy;
  readonly headers: ApplySecurityHeaders | undefined;
  readonly cors: CorsHandler | undefined;
  readonly rateLimit: HttpRateLimiter | undefined;
  /** The circuit around a rate-limit store the app passed (readiness reports it). */
  readonly rateLimitStore: StoreCircuit | undefined;
  /** HTTP CSRF check settings; `undefined` = off. */
  readonly csrf:
    | { readonly exemptPaths: readonly string[]; readonly form: FormReadLimits }
    | undefined;
  readonly connections: ConnectionLimiter | undefined;
  readonly wsBudget: EventBudgetOptions | undefined;
  /** Stops the default memory store's sweep timer. */
  close(): void;
}

/** What {@link createSecurity} reads: the security options plus the two app-wide ones. */
export interface SecurityInput extends SecurityOptions {
  readonly devMode?: boolean;
  readonly allowedOrigins?: readonly string[];
}

/**
 * Builds the security layer from validated options.
 * @example const security = createSecurity(options, logger);
 */
export function createSecurity(options: SecurityInput, logger: Logger): Security {
  const devMode = options.devMode === true;
  const trustProxy = options.trustProxy ?? false;
  const userOf = options.userOf;
  const rl = options.rateLimit;
  let rateLimit: HttpRateLimiter | undefined;
  let memory: MemoryRateLimitStore | undefined;
  let circuit: StoreCircuit | undefined;
  let wsBudget: EventBudgetOptions | undefined;
  if (rl !== false) {
    const o = rl ?? {};
    const policies: HttpRateLimitPolicy[] = [];
    const perIp = o.perIp ?? DEFAULT_RATE_LIMITS.perIp;
    if (perIp !== false) policies.push({ name: "ip", key: "ip", ...perIp });
    const perUser = o.perUser ?? false;
    if (perUser !== false) policies.push({ name: "user", key: "user", ...perUser });
    policies.push(...(o.policies ?? []));
    const mutations = o.mutations ?? DEFAULT_RATE_LIMITS.mutations;
    let store = o.store;
    if (store === undefined && (policies.length > 0 || mutations !== false)) {
      memory = new MemoryRateLimitStore();
      store = memory;
    }
    if (store !== undefined) {
      const failOpen = o.failOpen ?? true;
      // An in-process store answers at once and cannot be down: no deadline timer per request.
      if (!(store instanceof MemoryRateLimitStore)) {
        circuit = storeCircuit(o.breaker, failOpen, logger);
      }
      rateLimit = httpRateLimit({
        store,
        policies,
        ...(mutations === false ? {} : { mutationPolicy: mutations }),
        ipOf: (req) => clientIp(req, { trustProxy }),
        ...(userOf === undefined ? {} : { userOf }),
        failOpen,
        ...(circuit === undefined ? {} : { breaker: circuit.breaker }),
      });
    }
    const ws = o.websocket ?? DEFAULT_RATE_LIMITS.websocket;
    wsBudget = ws === false ? undefined : ws;
  }
  const cl = options.connectionLimits;
  const headers =
    options.securityHeaders === false
      ? undefined
      : securityHeaders({ trustForwardedProto: trustProxy !== false, ...options.securityHeaders });
  const csrf = options.csrf === false ? undefined : options.csrf;
  return {
    devMode,
    trustProxy,
    userOf,
    origins: new OriginPolicy(options.allowedOrigins ?? []),
    headers,
    cors: options.cors === undefined ? undefined : cors(options.cors),
    rateLimit,
    rateLimitStore: circuit,
    csrf:
      options.csrf === false
        ? undefined
        : {
            exemptPaths: csrf?.exemptPaths ?? [],
            form: {
              maxBytes: csrf?.maxFormBytes ?? DEFAULT_MAX_FORM_BYTES,
              timeoutMs: csrf?.formTimeoutMs ?? DEFAULT_FORM_TIMEOUT_MS,
            },
          },
    connections:
      cl === false ? undefined : new ConnectionLimiter({ ...DEFAULT_CONNECTION_LIMITS, ...cl }),
    wsBudget,
    close: () => memory?.close(),
  };
}
