/**
 * Page actions: a page's `action` handles POSTs of its forms — the same function with
 * JavaScript off (an urlencoded HTTP POST: post-redirect-get on success, the page again
 * with its errors and status 422 on failure) and on (the form's submit event over the
 * socket: errors render live, success re-mounts the page, a redirect navigates).
 *
 * An action returns nothing on success, `invalid(data)` on failure (the page reads
 * `data` through `useActionData()`), or throws `redirect(…)` to send the user on.
 */
import type { FormFields } from "../vdom/events.ts";
import type { RequestInfo } from "./page-info.ts";

/** What an action receives. */
export interface ActionContext {
  /** The submitted fields (`get`, `getAll`, and the `[name, value]` pairs). */
  readonly form: FormFields;
  /** The page's params (parsed). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The page URL the form was posted to. */
  readonly url: URL;
  /** The page request (JS off: the POST; live: the page's GET). */
  readonly request: RequestInfo;
  /** The user `userOf` names (`undefined` when anonymous or without `userOf`). */
  readonly userId: string | undefined;
}

const FAILURE: unique symbol = Symbol("vango.actionFailure");

/** A failed submission: re-render with `data` (status 422 without JavaScript). */
export interface ActionFailure<D = unknown> {
  readonly [FAILURE]: true;
  readonly status: number;
  readonly data: D;
}

/** What an action may return. */
// biome-ignore lint/suspicious/noConfusingVoidType: an action is often a function that returns nothing
export type ActionResult = undefined | ActionFailure | void;

/** A page's action. */
export type PageAction = (ctx: ActionContext) => ActionResult | Promise<ActionResult>;

/**
 * Refuses a submission: the page renders again with `data` (errors, the values to keep)
 * available through `useActionData()`; without JavaScript the answer is `status` (422).
 * @example
 * export async function action({ form }: ActionContext) {
 *   const title = form.get("title")?.trim() ?? "";
 *   if (title === "") return invalid({ errors: { title: "Required" }, values: { title } });
 *   await todos.add(title);
 * }
 */
export function invalid<D>(data: D, status = 422): ActionFailure<D> {
  if (!Number.isInteger(status) || status < 400 || status > 499) {
    throw new RangeError(`invalid(): status ${status} is not a 4xx`);
  }
  return { [FAILURE]: true, status, data };
}

/** True when an action's result is a failure from {@link invalid}. */
export function isFailure(r: unknown): r is ActionFailure {
  return typeof r === "object" && r !== null && (r as ActionFailure)[FAILURE] === true;
}
