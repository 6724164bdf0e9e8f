// vango-ui card 0.1.0 sha256-w5OVoMrzGxAV/j3CmenJVbOWlM41KXVvHLZoaki88io=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * Card: a bordered surface with optional header (title, description), content and
 * footer. `CardTitle` is a real heading (`level`, default 3) so the page outline holds.
 * @example
 * <Card>
 *   <CardHeader><CardTitle>Plan</CardTitle><CardDescription>Billed monthly</CardDescription></CardHeader>
 *   <CardContent>…</CardContent>
 *   <CardFooter><Button>Upgrade</Button></CardFooter>
 * </Card>
 */
import type { JSX } from "vango";
import { cn } from "./cn.ts";

type Div = JSX.IntrinsicElements["div"];

export function Card(props: Div) {
  const { class: cls, ...rest } = props;
  return <div {...rest} class={cn("vui-card", cls)} />;
}

export function CardHeader(props: Div) {
  const { class: cls, ...rest } = props;
  return <div {...rest} class={cn("vui-card__header", cls)} />;
}

export type CardTitleProps = JSX.IntrinsicElements["h3"] & { level?: 2 | 3 | 4 | 5 | 6 };

export function CardTitle(props: CardTitleProps) {
  const { level = 3, class: cls, ...rest } = props;
  const Heading = `h${level}` as "h2" | "h3" | "h4" | "h5" | "h6";
  return <Heading {...rest} class={cn("vui-card__title", cls)} />;
}

export function CardDescription(props: JSX.IntrinsicElements["p"]) {
  const { class: cls, ...rest } = props;
  return <p {...rest} class={cn("vui-card__description", cls)} />;
}

export function CardContent(props: Div) {
  const { class: cls, ...rest } = props;
  return <div {...rest} class={cn("vui-card__content", cls)} />;
}

export function CardFooter(props: Div) {
  const { class: cls, ...rest } = props;
  return <div {...rest} class={cn("vui-card__footer", cls)} />;
}
