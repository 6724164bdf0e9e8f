/**
 * Toasts in a live session: a polite and an assertive live region, siblings that are
 * always on the page (no live region inside another), toasts shown from handlers
 * (destructive ones in the assertive list), dismissed by their button, gone on their
 * own after their duration, at most `limit` on show; timers stop with the owner.
 */
import { mountTest } from "vango/testing";
import { expect, test } from "vitest";
import { createToasts, Toaster, type Toasts } from "../../registry/ui/toast.tsx";

function Page(props: { onToasts?: (t: Toasts) => void; duration?: number }) {
  const toasts = createToasts({ limit: 2 });
  props.onToasts?.(toasts);
  let n = 0;
  return () => (
    <div>
      <button
        type="button"
        id="ok"
        onClick={() =>
          toasts.show({
            title: `Saved ${++n}`,
            description: "All good",
            duration: props.duration ?? 0,
          })
        }
      />
      <button
        type="button"
        id="bad"
        onClick={() => toasts.show({ title: "Failed", variant: "destructive", duration: 0 })}
      />
      <Toaster toasts={toasts} />
    </div>
  );
}

const strip = (s: string) => s.replace(/ data-hid="\d+"/g, "");

test("the live regions are there before any toast, side by side; a toast has a dismiss button", async () => {
  const t = mountTest(Page);
  expect(strip(t.html())).toContain(
    '<section aria-label="Notifications" class="vui-toaster">' +
      '<ol class="vui-toaster__list" aria-live="polite"></ol>' +
      '<ol class="vui-toaster__list" aria-live="assertive"></ol></section>',
  );
  await t.click("#ok");
  expect(strip(t.html())).toContain(
    '<ol class="vui-toaster__list" aria-live="polite">' +
      '<li class="vui-toast vui-toast--primary" data-testid="toast">' +
      '<div class="vui-toast__body"><span class="vui-toast__title">Saved 1</span>' +
      '<span class="vui-toast__description">All good</span></div>' +
      '<button aria-label="Dismiss: Saved 1" type="button" class="vui-btn vui-btn--ghost vui-btn--sm" data-on="click">' +
      '<span aria-hidden="true">×</span></button></li></ol>',
  );
  await t.click("#bad");
  const titles = (live: string) =>
    t
      .findAll(`.vui-toaster__list[aria-live=${live}] .vui-toast__title`)
      .map((x) => (x.children[0] as { text: string }).text);
  expect(titles("polite")).toEqual(["Saved 1"]);
  expect(titles("assertive")).toEqual(["Failed"]);
  // No live region (aria-live or a live role) inside another.
  for (const inner of ["[aria-live]", "[role=status]", "[role=alert]", "[role=log]"]) {
    expect(t.findAll(`[aria-live] ${inner}`)).toEqual([]);
  }
  await t.click(t.findAll(".vui-toast button")[0]!.hid);
  expect(titles("polite")).toEqual([]);
  expect(titles("assertive")).toEqual(["Failed"]);
  t.dispose();
});

test("at most `limit` on show: the oldest goes", async () => {
  const t = mountTest(Page);
  await t.click("#ok");
  await t.click("#ok");
  await t.click("#ok");
  expect(
    t.findAll(".vui-toast__title").map((x) => (x.children[0] as { text: string }).text),
  ).toEqual(["Saved 2", "Saved 3"]);
  t.dispose();
});

test("a toast goes on its own after its duration; disposal stops the timers", async () => {
  const t = mountTest(Page, { props: { duration: 30 } });
  await t.click("#ok");
  expect(t.findAll("[data-testid=toast]").length).toBe(1);
  await new Promise((r) => setTimeout(r, 60));
  await t.settle();
  expect(t.findAll("[data-testid=toast]").length).toBe(0);

  let toasts: Toasts | undefined;
  const u = mountTest(Page, { props: { duration: 30, onToasts: (x: Toasts) => (toasts = x) } });
  await u.click("#ok");
  u.dispose();
  await new Promise((r) => setTimeout(r, 60));
  // The timer was cleared with the owner: the list still holds the toast.
  expect(toasts!.list().length).toBe(1);
});
