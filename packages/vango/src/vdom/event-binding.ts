/**
 * Typed event handlers and the `on()` helper that attaches client-side modifiers.
 */
import { VdomError, VdomErrorCode } from "./errors.ts";
import type { EventBinding } from "./host.ts";

/** A server-side event handler; may be async. */
export type Handler<E> = (event: E) => unknown;

/** An `EventBinding` whose handler is typed by the payload it receives. */
export interface Binding<E> extends EventBinding {
  readonly handler: Handler<E>;
}

/** Modifiers the browser client applies before sending the event. */
export interface EventModifiers {
  /** Call `preventDefault()`. */
  readonly prevent?: boolean;
  /** Call `stopPropagation()`. */
  readonly stop?: boolean;
  /** Send only after the events paused for this many ms (0–60000). */
  readonly debounce?: number;
  /** Send at most once per this many ms (0–60000). */
  readonly throttle?: number;
  /** Keyboard events only: send only for these `KeyboardEvent.key` values. */
  readonly keys?: readonly string[];
}

/** The wire codec clamps delays to one minute; a larger value is a programming error. */
const MAX_DELAY_MS = 60_000;
const NO_KEYS: readonly string[] = Object.freeze([]);

function delay(name: string, ms: number | undefined): number {
  if (ms === undefined) return 0;
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_DELAY_MS) {
    throw new VdomError(VdomErrorCode.invalidModifier, `${name} must be an integer 0–60000 ms`);
  }
  return ms;
}

/**
 * Binds a handler with modifiers, for props such as `onKeyDown`.
 * @example
 * <input onKeyDown={on(save, { keys: ["Enter"], prevent: true })} />
 * <input onInput={on((e) => query.set(e.value), { debounce: 300 })} />
 */
export function on<E>(handler: Handler<E>, modifiers: EventModifiers = {}): Binding<E> {
  const keys = modifiers.keys;
  return {
    handler,
    prevent: modifiers.prevent === true,
    stop: modifiers.stop === true,
    debounce: delay("debounce", modifiers.debounce),
    throttle: delay("throttle", modifiers.throttle),
    keys: keys === undefined || keys.length === 0 ? NO_KEYS : Object.freeze(keys.slice()),
  };
}
