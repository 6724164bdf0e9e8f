/**
 * Progress: a `progressbar` with its value (`aria-valuenow` of `aria-valuemax`), or
 * indeterminate (no value: work of unknown length). It needs a name: `label`.
 * @example <Progress label="Upload" value={42} />
 */
import { cn } from "./cn.ts";

export interface ProgressProps {
  /** The accessible name. */
  label: string;
  /** Omitted: indeterminate. */
  value?: number;
  /** Default 100. */
  max?: number;
  class?: string;
  id?: string;
}

export function Progress(props: ProgressProps) {
  const max = props.max !== undefined && props.max > 0 ? props.max : 100;
  const value = props.value === undefined ? undefined : Math.min(max, Math.max(0, props.value));
  const pct = value === undefined ? undefined : Math.round((value / max) * 1000) / 10;
  return (
    <div
      id={props.id}
      class={cn("vui-progress", props.class)}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={pct === undefined ? undefined : `${pct}%`}
      data-state={value === undefined ? "indeterminate" : value >= max ? "complete" : "loading"}
    >
      <div class="vui-progress__bar" style={pct === undefined ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
