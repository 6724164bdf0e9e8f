/**
 * The client's IP address. `X-Forwarded-For` is read only when the app says a proxy
 * sits in front: by hop count (`trustProxy: 1` = one proxy, the rightmost entry is the
 * client) or by a list of trusted proxy addresses/CIDRs (walk from the socket address
 * leftwards while the address is trusted). Without that setting the header is ignored,
 * since any client can send it.
 */
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/**
 * `false`: ignore `X-Forwarded-For`. A number: that many proxies in front. A list:
 * addresses or CIDRs of trusted proxies, or the names `loopback`, `linklocal`,
 * `uniquelocal` (private ranges).
 */
export type TrustProxy = false | number | readonly string[];

export interface ClientIpOptions {
  trustProxy?: TrustProxy;
}

const PRESETS: Record<string, readonly string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/** Parses a trusted-proxy list into a `BlockList`; throws `RangeError` on a bad entry. */
export function compileTrustList(list: readonly string[]): BlockList {
  const bl = new BlockList();
  const add = (entry: string): void => {
    const preset = PRESETS[entry];
    if (preset !== undefined) {
      for (const p of preset) add(p);
      return;
    }
    const slash = entry.indexOf("/");
    const addr = slash === -1 ? entry : entry.slice(0, slash);
    const family = isIP(addr);
    if (family === 0) throw new RangeError(`trustProxy: not an IP or CIDR: ${entry}`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (slash === -1) {
      bl.addAddress(addr, type);
      return;
    }
    const bits = Number(entry.slice(slash + 1));
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      throw new RangeError(`trustProxy: bad prefix length: ${entry}`);
    }
    bl.addSubnet(addr, bits, type);
  };
  for (const e of list) add(e.trim());
  return bl;
}

/**
 * Normalises an address as found on a socket or in `X-Forwarded-For`: strips the
 * brackets and port of `[v6]:port`, a port after an IPv4 address, and the IPv4-mapped
 * IPv6 prefix. Returns `undefined` when the result is not an IP address.
 */
export function normalizeIp(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let s = raw.trim();
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    if (end === -1) return undefined;
    s = s.slice(1, end);
  } else if (s.indexOf(":") !== -1 && s.indexOf(":") === s.lastIndexOf(":")) {
    s = s.slice(0, s.indexOf(":"));
  }
  if (s.length > 7 && s.slice(0, 7).toLowerCase() === "::ffff:" && isIP(s.slice(7)) === 4) {
    s = s.slice(7);
  }
  return isIP(s) === 0 ? undefined : s;
}

const compiled = new WeakMap<readonly string[], BlockList>();

function trusted(list: BlockList, ip: string): boolean {
  return list.check(ip, isIP(ip) === 4 ? "ipv4" : "ipv6");
}

/**
 * The client address of `req`, honouring `X-Forwarded-For` only as configured. When a
 * trusted hop forwards an entry that is not an IP address, that hop's own address is
 * returned (the claim cannot be used).
 * @example
 * clientIp(req)                                   // socket address
 * clientIp(req, { trustProxy: 1 })                // behind one load balancer
 * clientIp(req, { trustProxy: ["10.0.0.0/8"] })   // behind proxies in 10/8
 */
export function clientIp(req: IncomingMessage, options: ClientIpOptions = {}): string {
  const remote = normalizeIp(req.socket.remoteAddress) ?? "";
  const trust = options.trustProxy ?? false;
  if (trust === false || trust === 0 || remote === "") return remote;
  const header = req.headers["x-forwarded-for"];
  if (header === undefined) return remote;
  const hops = (Array.isArray(header) ? header.join(",") : header).split(",");
  let current = remote;
  if (typeof trust === "number") {
    for (let i = 0; i < trust && hops.length > 0; i++) {
      const next = normalizeIp(hops.pop());
      if (next === undefined) return current;
      current = next;
    }
    return current;
  }
  let list = compiled.get(trust);
  if (list === undefined) {
    list = compileTrustList(trust);
    compiled.set(trust, list);
  }
  while (hops.length > 0 && trusted(list, current)) {
    const next = normalizeIp(hops.pop());
    if (next === undefined) return current;
    current = next;
  }
  return current;
}
