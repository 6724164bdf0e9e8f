/**
 * An island: a bar meter drawn in the browser as SVG from the server's props. The
 * server owns `value` and `max` (the /widgets page's slider); every change it renders
 * arrives in `updated`, and the bar animates to it.
 */
import { defineHook } from "vango/client";

export interface MeterProps {
  value: number;
  max: number;
  label: string;
}

const SVG = "http://www.w3.org/2000/svg";

export default defineHook<MeterProps>((ctx) => {
  const doc = ctx.el.ownerDocument;
  const svg = doc.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 200 24");
  svg.setAttribute("width", "200");
  svg.setAttribute("height", "24");
  svg.setAttribute("role", "meter");
  const track = doc.createElementNS(SVG, "rect");
  track.setAttribute("width", "200");
  track.setAttribute("height", "24");
  track.setAttribute("rx", "4");
  track.setAttribute("class", "meter-track");
  const bar = doc.createElementNS(SVG, "rect");
  bar.setAttribute("height", "24");
  bar.setAttribute("rx", "4");
  bar.setAttribute("class", "meter-bar");
  const text = doc.createElement("span");
  text.setAttribute("data-testid", "island-value");
  svg.append(track, bar);
  ctx.el.append(svg, text);

  const draw = (p: MeterProps): void => {
    const share = p.max > 0 ? Math.max(0, Math.min(1, p.value / p.max)) : 0;
    bar.setAttribute("width", String(Math.round(share * 200)));
    svg.setAttribute("aria-label", p.label);
    svg.setAttribute("aria-valuenow", String(p.value));
    svg.setAttribute("aria-valuemax", String(p.max));
    text.textContent = `${p.value} / ${p.max}`;
  };
  draw(ctx.options);
  return {
    updated: draw,
    destroyed() {
      svg.remove();
      text.remove();
    },
  };
});
