/**
 * Security response headers: CSP (scripts from `'self'` plus a per-response nonce, the
 * WebSocket endpoint of the request's own host in `connect-src`), HSTS on HTTPS,
 * `nosniff`, framing denied twice (`frame-ancestors` and `X-Frame-Options` for old
 * browsers), a strict referrer policy, a minimal Permissions-Policy and COOP.
 *
 * Why not helmet: it is not a dependency, and the two parts that vary per response — the
 * nonce and the host-derived `ws(s)://` source — would need per-request directive
 * functions there; here the static part of every header is joined once at construction
 * and a response costs two string concatenations.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface HstsOptions {
  /** `max-age` in seconds (default one year). */
  maxAgeSeconds?: number;
  /** Default true. */
  includeSubDomains?: boolean;
  /** Default false: only set it when the domain is submitted to the preload list. */
  preload?: boolean;
}

export interface SecurityHeadersOptions {
  /**
   * CSP directives merged over the defaults (`false` removes one), or `false` for no CSP.
   * `script-src` gets the response's nonce and `connect-src` the request host's
   * WebSocket origin appended.
   */
  csp?: false | Record<string, readonly string[] | false>;
  /** Send `Content-Security-Policy-Report-Only` instead (default false). */
  cspReportOnly?: boolean;
  /**
   * HSTS: `"auto"` (default) sends it on HTTPS requests only, `true` always, `false`
   * never; an object sets the parameters (sent on HTTPS only).
   */
  hsts?: boolean | "auto" | HstsOptions;
  /** Treat `X-Forwarded-Proto: https` as HTTPS (only behind a trusted proxy; default false). */
  trustForwardedProto?: boolean;
  /** `X-Frame-Options` / `frame-ancestors` (default `"deny"`). */
  frame?: "deny" | "sameorigin";
  /** Default `strict-origin-when-cross-origin`. */
  referrerPolicy?: string;
  /** Default denies camera, microphone, geolocation, payment and usb; `false` omits it. */
  permissionsPolicy?: string | false;
}

/** Default CSP directives (before nonce and WebSocket source are added). */
export const DEFAULT_CSP: Readonly<Record<string, readonly string[]>> = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  // `style` attributes set by patches (setAttribute) are inline styles to CSP.
  "style-src": ["'self'", "'unsafe-inline'"],
  "img-src": ["'self'", "data:", "blob:"],
  "font-src": ["'self'", "data:"],
  "connect-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'self'"],
  "form-action": ["'self'"],
};

const DEFAULT_PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
// A Host header that is a DNS name or IP literal with an optional port; anything else
// is not reflected into the policy.
const HOST =
  /^(?:[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

const NONCE = Symbol("nonce");
const WS = Symbol("ws");

/** A fresh CSP nonce (128 random bits, base64). */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/** Whether `req` arrived over TLS (or via a trusted proxy that says so). */
export function isHttps(req: IncomingMessage, trustForwardedProto = false): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (!trustForwardedProto) return false;
  const p = req.headers["x-forwarded-proto"];
  return typeof p === "string" && p.split(",")[0]!.trim().toLowerCase() === "https";
}

/** Applies the headers to one response; pass the nonce used in the page's `<script>`s. */
export type ApplySecurityHeaders = (
  req: IncomingMessage,
  res: ServerResponse,
  nonce?: string,
) => void;

/**
 * Builds the header setter.
 * @example
 * const secure = securityHeaders();
 * const nonce = createNonce();
 * secure(req, res, nonce); // then render <script nonce={nonce} src="/vango.js">
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): ApplySecurityHeaders {
  const frame = options.frame ?? "deny";
  const cspHeader = options.cspReportOnly
    ? "content-security-policy-report-only"
    : "content-security-policy";
  // The policy as literal pieces plus two per-response slots (nonce, WebSocket source).
  const template: (string | typeof NONCE | typeof WS)[] = [];
  if (options.csp !== false) {
    const d: Record<string, readonly string[]> = { ...DEFAULT_CSP };
    for (const [k, v] of Object.entries(options.csp ?? {})) {
      if (v === false) delete d[k];
      else d[k] = v;
    }
    d["frame-ancestors"] = [frame === "deny" ? "'none'" : "'self'"];
    for (const [k, v] of Object.entries(d)) {
      if (template.length > 0) template.push("; ");
      template.push(`${k} ${v.join(" ")}`);
      if (k === "script-src") template.push(NONCE);
      else if (k === "connect-src") template.push(WS);
    }
  }
  const csp = options.csp !== false;
  const hsts = options.hsts ?? "auto";
  let hstsValue = "";
  if (hsts !== false) {
    const o: HstsOptions = typeof hsts === "object" ? hsts : {};
    hstsValue = `max-age=${o.maxAgeSeconds ?? 31_536_000}`;
    if (o.includeSubDomains ?? true) hstsValue += "; includeSubDomains";
    if (o.preload === true) hstsValue += "; preload";
  }
  const hstsAlways = hsts === true;
  const trustProto = options.trustForwardedProto ?? false;
  const xfo = frame === "deny" ? "DENY" : "SAMEORIGIN";
  const referrer = options.referrerPolicy ?? "strict-origin-when-cross-origin";
  const permissions =
    options.permissionsPolicy === undefined ? DEFAULT_PERMISSIONS : options.permissionsPolicy;

  return (req, res, nonce) => {
    const https = isHttps(req, trustProto);
    if (csp) {
      const host = req.headers.host;
      let ws = "";
      if (host !== undefined && HOST.test(host)) ws = ` ${https ? "wss" : "ws"}://${host}`;
      const n = nonce === undefined ? "" : ` 'nonce-${nonce}'`;
      let value = "";
      for (const t of template) value += t === NONCE ? n : t === WS ? ws : t;
      if (https) value += "; upgrade-insecure-requests";
      res.setHeader(cspHeader, value);
    }
    if (hstsValue !== "" && (hstsAlways || https)) {
      res.setHeader("strict-transport-security", hstsValue);
    }
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("x-frame-options", xfo);
    res.setHeader("referrer-policy", referrer);
    res.setHeader("cross-origin-opener-policy", "same-origin");
    if (permissions !== false) res.setHeader("permissions-policy", permissions);
  };
}
