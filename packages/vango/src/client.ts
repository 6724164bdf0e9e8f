/**
 * `vango/client`: for the modules that run in the browser — client hooks and islands
 * (`*.client.ts` under the app's `clientDir`). They are bundled into on-demand chunks
 * by the framework; what they import from here is bundled with them.
 *
 * @example
 * import { defineHook } from "vango/client";
 * export default defineHook<{ points: number[] }>((ctx) => {
 *   draw(ctx.el, ctx.options.points);
 *   return { updated: (o) => draw(ctx.el, o.points) };
 * });
 */
export {
  defineHook,
  type Hook,
  type HookContext,
  type HookInstance,
} from "./client/hooks/define.ts";
