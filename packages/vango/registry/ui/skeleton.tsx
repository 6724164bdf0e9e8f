/**
 * Skeleton: a pulsing placeholder where content is loading. Hidden from assistive
 * technology; mark the region that is loading with `aria-busy="true"` instead.
 * @example <Skeleton width="12rem" height="1rem" />
 */
import type { JSX } from "vango";
import { cn } from "./cn.ts";

export type SkeletonProps = JSX.IntrinsicElements["span"] & {
  width?: string;
  height?: string;
};

export function Skeleton(props: SkeletonProps) {
  const { width, height = "1rem", class: cls, style, ...rest } = props;
  return (
    <span
      class={cn("vui-skeleton", cls)}
      aria-hidden="true"
      style={style ?? { width, height }}
      {...rest}
    />
  );
}
