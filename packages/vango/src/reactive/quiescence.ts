/**
 * Whether the reactive work under an owner is at rest with nothing outside feeding it:
 * what a session asks before it parks an idle view (disposes it, keeps its checkpoint,
 * and builds it again from that when the next event comes). Work under an owner is at
 * rest when every tracker and effect depends only on `sources` (directly or through
 * computeds) and nothing holds an outside resource: no cleanup registered with
 * `onCleanup` or returned by an effect (a timer, a subscription — something that would
 * change the view while it is parked). Cleanups registered with `onRelease` only give
 * back what the view itself holds and do not count.
 */
import { effect as alienEffect, getActiveSub, setActiveSub } from "alien-signals";
import type { ReactiveNode } from "alien-signals/system";
import type { Owner, OwnerNode } from "./owner.ts";
import type { ReadonlySignal } from "./signal.ts";

/** The graph nodes of `signals` (each read once by a throwaway subscriber). */
export function sourceNodes(signals: readonly ReadonlySignal<unknown>[]): Set<ReactiveNode> {
  const out = new Set<ReactiveNode>();
  let probe: ReactiveNode | undefined;
  const prevSub = setActiveSub(undefined);
  try {
    const stop = alienEffect(() => {
      probe = getActiveSub();
      for (let i = 0; i < signals.length; i++) signals[i]!();
    });
    for (let link = probe?.deps; link !== undefined; link = link.nextDep) out.add(link.dep);
    stop();
  } finally {
    setActiveSub(prevSub);
  }
  return out;
}

/**
 * True when every dependency of `node` is one of `sources`, or a computed whose own
 * dependencies are (checked once each, in `seen`).
 */
export function dependsOnlyOn(
  node: ReactiveNode | undefined,
  sources: ReadonlySet<ReactiveNode>,
  seen: Set<ReactiveNode>,
): boolean {
  for (let link = node?.deps; link !== undefined; link = link.nextDep) {
    const dep = link.dep;
    if (sources.has(dep) || seen.has(dep)) continue;
    // A computed (alien-signals' node with a getter): its inputs decide.
    if (!("getter" in dep)) return false;
    seen.add(dep);
    if (!dependsOnlyOn(dep, sources, seen)) return false;
  }
  return true;
}

/**
 * True when everything `owner` owns is at rest: trackers and effects that depend only on
 * `sources` (see {@link sourceNodes}), no cleanup but `onRelease` ones.
 * @example if (atRest(root, sourceNodes(ownSignals))) park();
 */
export function atRest(owner: Owner, sources: ReadonlySet<ReactiveNode>): boolean {
  return (owner as OwnerNode).atRest(sources, new Set());
}
