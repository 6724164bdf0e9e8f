/**
 * Locks the public surface: the subpaths in package.json `exports` and the runtime
 * names each entry exports. Imports go through the package name, so a broken
 * `exports` map fails here too. Changing a list here is an API change.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  exports: Record<string, unknown>;
};

describe("package exports", () => {
  it("has exactly these subpaths", () => {
    expect(Object.keys(pkg.exports).sort()).toEqual([
      ".",
      "./client",
      "./jsx-dev-runtime",
      "./jsx-runtime",
      "./otel",
      "./package.json",
      "./protocol",
      "./server",
      "./testing",
    ]);
  });

  it("vango/client", async () => {
    expect(Object.keys(await import("vango/client")).sort()).toEqual(["defineHook"]);
  });

  it("vango", async () => {
    expect(Object.keys(await import("vango")).sort()).toEqual([
      "Async",
      "ErrorBoundary",
      "FormError",
      "FormErrorCode",
      "Fragment",
      "HookError",
      "HookErrorCode",
      "Island",
      "Link",
      "NotFound",
      "ReactiveError",
      "ReactiveErrorCode",
      "Redirect",
      "ResourceError",
      "ResourceErrorCode",
      "StreamList",
      "Toasts",
      "UploadStatus",
      "VdomError",
      "VdomErrorCode",
      "audit",
      "batch",
      "broadcast",
      "computed",
      "createContext",
      "createElement",
      "createResourceCache",
      "createRoot",
      "createTracker",
      "definePage",
      "effect",
      "escapeAttr",
      "escapeText",
      "flash",
      "formFields",
      "getOwner",
      "globalSignal",
      "guard",
      "h",
      "hook",
      "invalid",
      "issuesToErrors",
      "login",
      "logout",
      "memo",
      "notFound",
      "on",
      "onCleanup",
      "onMount",
      "optimistic",
      "parseForm",
      "parseFormFields",
      "presence",
      "provide",
      "raw",
      "redirect",
      "redirectDocument",
      "renderPage",
      "renderPageToStream",
      "renderToNodeStream",
      "renderToStream",
      "renderToString",
      "requireUser",
      "resource",
      "runWithOwner",
      "safeNext",
      "sessionSignal",
      "signal",
      "status",
      "stream",
      "trustedHtml",
      "untracked",
      "urlState",
      "useActionData",
      "useAudit",
      "useClientInfo",
      "useContext",
      "useFlash",
      "useForm",
      "useHook",
      "useNavigate",
      "useParams",
      "useRequest",
      "useSubmitting",
      "useTitle",
      "useUpload",
      "useUrl",
      "useUser",
      "validateForm",
    ]);
  });

  it("vango/jsx-runtime and vango/jsx-dev-runtime", async () => {
    expect(Object.keys(await import("vango/jsx-runtime")).sort()).toEqual([
      "Fragment",
      "jsx",
      "jsxs",
    ]);
    expect(Object.keys(await import("vango/jsx-dev-runtime")).sort()).toEqual([
      "Fragment",
      "jsxDEV",
    ]);
  });

  it("vango/server", async () => {
    expect(Object.keys(await import("vango/server")).sort()).toEqual([
      "AUDIT_MIGRATIONS",
      "AuditLog",
      "Auth",
      "AuthError",
      "AuthErrorCode",
      "ConfigError",
      "DEFAULT_LOGIN_LIMITS",
      "DEFAULT_PERSISTENCE",
      "DEFAULT_SCRYPT",
      "DEFAULT_SERVER_LIMITS",
      "DEFAULT_STATE_LIMITS",
      "DEFAULT_TIMEOUTS",
      "FileSessionStore",
      "KeyRing",
      "MemoryBroker",
      "MemoryBus",
      "MemoryFamilyStore",
      "MemoryRateLimitStore",
      "MemorySessionStore",
      "MigrationError",
      "NatsBus",
      "PostgresSessionStore",
      "RedisBus",
      "RedisFamilyStore",
      "RedisRateLimitStore",
      "RedisSessionStore",
      "ResilientSessionStore",
      "Rotation",
      "SessionStoreError",
      "SharedState",
      "SharedStateError",
      "StateCodec",
      "StateError",
      "StoreOp",
      "StoreOutcome",
      "VANGO_MIGRATIONS",
      "childLogger",
      "createApp",
      "createAuth",
      "createHealth",
      "createLogger",
      "createMetrics",
      "decodeState",
      "encodeState",
      "fileRoutes",
      "formBody",
      "hashPassword",
      "keyRingFromEnv",
      "loadMigrations",
      "logAuditSink",
      "memoryUsers",
      "metricsHandler",
      "postgresAuditSink",
      "requestLocals",
      "resolveSecret",
      "runAuditMigrations",
      "runMigrations",
      "runVangoMigrations",
      "serveMetrics",
      "sharedState",
      "silentLogger",
      "verifyPassword",
    ]);
  });

  it("vango/testing", async () => {
    expect(Object.keys(await import("vango/testing")).sort()).toEqual([
      "TestingError",
      "TestingErrorCode",
      "mountPage",
      "mountTest",
      "parseSelector",
      "selectAll",
      "sparePort",
    ]);
  });

  it("vango/otel", async () => {
    expect(Object.keys(await import("vango/otel")).sort()).toEqual([
      "TraceAttr",
      "tracingEventMiddleware",
      "tracingHttpMiddleware",
    ]);
  });

  it("vango/protocol", async () => {
    expect(Object.keys(await import("vango/protocol")).sort()).toEqual([
      "ATTR_HID",
      "ATTR_ON",
      "CloseCode",
      "DEFAULT_LIMITS",
      "ERRORS",
      "ErrorCode",
      "ErrorFlag",
      "EventFlag",
      "EventType",
      "FLAG_SHIFT",
      "Feature",
      "FrameType",
      "HARD_MAX_DEPTH",
      "HARD_MAX_STRING",
      "HandshakeFlag",
      "JsonTag",
      "LIVE_PROPS",
      "MOD_MASK",
      "Mod",
      "NodeKind",
      "PROTOCOL_VERSION",
      "PatchOp",
      "PointerKind",
      "PointerType",
      "ProtocolError",
      "ReplyFlag",
      "ResyncFlag",
      "ScrollAlign",
      "TYPE_MASK",
      "decodeClientFrame",
      "decodeFrame",
      "decodeServerFrame",
      "encodeClientFrame",
      "encodeFrame",
      "encodeServerFrame",
      "errorFromId",
      "errorId",
      "resolveLimits",
    ]);
  });
});
