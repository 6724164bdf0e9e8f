/**
 * `vango`: what components need — signals and ownership, JSX helpers, event bindings,
 * context and lifecycle, trusted HTML, server-side rendering to strings and streams,
 * data (`resource`, `<Async>`, `<ErrorBoundary>`), forms (`useForm`, `parseForm`), client
 * hooks, islands and optimistic updates (`hook`, `useHook`, `<Island>`, `optimistic`) and
 * state shared across instances (`globalSignal`, `presence`, `broadcast`).
 *
 * @example
 * import { signal } from "vango";
 * export function Counter() {
 *   const count = signal(0);
 *   return () => <button onClick={() => count.update((n) => n + 1)}>{count()}</button>;
 * }
 */

export { login, logout } from "./auth/actions.ts";
export { type GuardOptions, guard, requireUser } from "./auth/guards.ts";
export { type AuditFn, audit, useAudit, useUser } from "./auth/hooks.ts";
export { safeNext } from "./auth/redirects.ts";
export type { LoginFailure } from "./auth/sign-in.ts";
export type { AuthUser } from "./auth/users.ts";
export {
  type FlashFn,
  type FlashKind,
  type FlashMessage,
  flash,
  useFlash,
} from "./browser-session/flash.ts";
export { sessionSignal } from "./browser-session/session-signal.ts";
export { Toasts, type ToastsProps } from "./browser-session/toasts.ts";
export {
  type FetchContext,
  type Fetcher,
  type Resource,
  type ResourceCases,
  type ResourceOptions,
  type ResourceState,
  resource,
} from "./data/resource.ts";
export {
  createResourceCache,
  type ResourceCache,
  type ResourceCacheOptions,
} from "./data/resource-cache.ts";
export { ResourceError, ResourceErrorCode } from "./data/resource-error.ts";
export { FormError, FormErrorCode } from "./forms/form-error.ts";
export {
  type FormValue,
  type FormValues,
  type ParseFieldsOptions,
  parseFormFields,
} from "./forms/form-values.ts";
export {
  type CheckboxProps,
  type ErrorsInput,
  type FieldProps,
  type Form,
  type FormArray,
  type FormInit,
  type FormProps,
  type FormRow,
  type OptionProps,
  type RadioProps,
  type UseFormOptions,
  useForm,
} from "./forms/use-form.ts";
export {
  type FieldErrors,
  type FormResult,
  issuesToErrors,
  parseForm,
  validateForm,
} from "./forms/validate-form.ts";
export { type HookAttrs, type HookRef, hook, useHook } from "./hooks/hook.ts";
export { HookError, HookErrorCode } from "./hooks/hook-error.ts";
export { Island, type IslandProps } from "./hooks/island.ts";
export { type OptimisticChanges, optimistic } from "./hooks/optimistic.ts";
export {
  batch,
  computed,
  createRoot,
  createTracker,
  type EffectFn,
  effect,
  getOwner,
  memo,
  type Owner,
  onCleanup,
  ReactiveError,
  ReactiveErrorCode,
  type ReadonlySignal,
  runWithOwner,
  type Signal,
  type SignalOptions,
  signal,
  type Tracker,
  untracked,
} from "./reactive/index.ts";
export {
  Async,
  type AsyncProps,
  ErrorBoundary,
  type ErrorBoundaryProps,
  type ErrorInfo,
  type RegionChildren,
} from "./render/boundaries.ts";
export { type ClientInfo, useClientInfo } from "./render/client-info.ts";
export { type Context, createContext, onMount, provide, useContext } from "./render/context.ts";
export { escapeAttr, escapeText, type SafeHtml } from "./render/escape.ts";
export { type PageOptions, renderPage, renderPageToStream } from "./render/page.ts";
export { renderToString } from "./render/ssr.ts";
export { renderToNodeStream, renderToStream } from "./render/stream.ts";
export {
  type ActionContext,
  type ActionFailure,
  type ActionResult,
  invalid,
  type PageAction,
} from "./routing/actions.ts";
export {
  NotFound,
  notFound,
  Redirect,
  type RedirectOptions,
  redirect,
  redirectDocument,
} from "./routing/control.ts";
export { Link, type LinkProps } from "./routing/link.ts";
export {
  type PageInfo,
  type PageRequest,
  status,
  useActionData,
  useNavigate,
  useParams,
  useRequest,
  useSubmitting,
  useTitle,
  useUrl,
} from "./routing/page-info.ts";
export type { PageProps, ParamParser, ParamParsers, ParsedParams } from "./routing/params.ts";
export {
  definePage,
  type PageDefinition,
  type TypedPageInfo,
} from "./routing/route-table.ts";
export { type UrlCodec, type UrlStateOptions, urlState } from "./routing/url-state.ts";
export type { StandardSchemaV1 } from "./schema/standard-schema.ts";
export type { Broadcast, BroadcastMessage, BroadcastOptions } from "./state/broadcast.ts";
export type { GlobalSignal, GlobalSignalOptions } from "./state/global-signal.ts";
export type {
  Presence,
  PresenceHandle,
  PresenceMember,
  PresenceOptions,
} from "./state/presence.ts";
export { broadcast, globalSignal, presence } from "./state/shared-state.ts";
export { type Stream, type StreamOptions, stream } from "./streams/stream.ts";
export { StreamList, type StreamListProps, type ViewportEvent } from "./streams/stream-list.ts";
export {
  type UploadEntry,
  type UploadErrorCode,
  type UploadedFile,
  type UploadOptions,
  UploadStatus,
} from "./uploads/upload-field.ts";
export { type Upload, type UploadInputProps, useUpload } from "./uploads/use-upload.ts";
export type * from "./vdom/events.ts";
export {
  type AsyncComponent,
  type Binding,
  type Children,
  createElement,
  type ElementType,
  type EventModifiers,
  Fragment,
  formFields,
  type Handler,
  h,
  type JSX,
  on,
  raw,
  trustedHtml,
  VdomError,
  VdomErrorCode,
} from "./vdom/index.ts";
export type { Component, Key, TrustedHtml, VChild, VNode } from "./vdom/vnode.ts";
