/**
 * Live navigation in-process (the session core, no browser): a Navigate event mounts the
 * new page below the layouts both pages share, which keep their state; URL and title
 * travel as patches; `redirect()`/`notFound()` from setup and handlers navigate; forms
 * posting to the page submit live to its action.
 */
import { describe, expect, it } from "vitest";
import { PatchOp } from "../../src/protocol/constants.ts";
import { signal } from "../../src/reactive/index.ts";
import { type ActionContext, invalid } from "../../src/routing/actions.ts";
import { notFound, redirect } from "../../src/routing/control.ts";
import {
  useActionData,
  useNavigate,
  useSubmitting,
  useTitle,
  useUrl,
} from "../../src/routing/page-info.ts";
import { MAX_NAVIGATE_PATH } from "../../src/routing/page-view.ts";
import type { RouteTable } from "../../src/routing/route-table.ts";
import { mountPage } from "../../src/testing/mount-test.ts";
import type { VChild } from "../../src/vdom/vnode.ts";

let layoutMounts = 0;

function Shell(props: { children?: VChild }) {
  layoutMounts++;
  const clicks = signal(0);
  return () => (
    <div>
      <button type="button" class="shell" onClick={() => clicks.set(clicks() + 1)}>
        shell {clicks()}
      </button>
      <main>{props.children}</main>
    </div>
  );
}

function Home() {
  return <h1>Home</h1>;
}

function Item(props: { params: { id: number } }) {
  useTitle(() => `Item ${props.params.id}`);
  return () => <h1>Item {props.params.id + 1}</h1>;
}

function Search() {
  const url = useUrl();
  return () => <p class="q">q={url().searchParams.get("q") ?? ""}</p>;
}

function Old(): VChild {
  redirect("/items/2");
}

function Missing(): VChild {
  notFound();
}

function Jumper() {
  const go = useNavigate();
  return () => (
    <div>
      <button type="button" class="go" onClick={() => go("/items/9")}>
        go
      </button>
      <button
        type="button"
        class="away"
        onClick={async () => {
          await Promise.resolve();
          redirect("/search?q=after");
        }}
      >
        away
      </button>
    </div>
  );
}

const todos: string[] = [];

function TodoPage() {
  const failed = useActionData<{ error: string }>();
  return () => (
    <div>
      <ul>
        {todos.map((t) => (
          <li key={t}>{t}</li>
        ))}
      </ul>
      <form method="post">
        <input name="title" />
        <p class="error">{failed()?.error ?? ""}</p>
        <button type="submit">Add</button>
      </form>
    </div>
  );
}

async function addTodo({ form }: ActionContext) {
  const title = form.get("title")?.trim() ?? "";
  if (title === "") return invalid({ error: "Required" });
  if (title === "go") redirect("/");
  todos.push(title);
}

const routes = {
  "/_layout": Shell,
  "/": Home,
  "/items/:id": { default: Item, params: { id: Number }, title: "Items" },
  "/search": { default: Search, title: "Search" },
  "/old": Old,
  "/missing": Missing,
  "/jump": Jumper,
  "/todos": { default: TodoPage, action: addTodo },
  "/_404": () => <h1>Nothing here</h1>,
};

describe("live navigation", () => {
  it("mounts the new page below the shared layout, which keeps its state", async () => {
    layoutMounts = 0;
    const t = mountPage(routes, "/");
    await t.click(".shell");
    expect(t.html()).toContain("shell 1");
    const patches = await t.navigate("/items/4");
    expect(t.html()).toMatch(/<h1[^>]*>Item 5<\/h1>/);
    expect(t.html()).toContain("shell 1");
    expect(layoutMounts).toBe(1);
    expect(patches.filter((p) => p.op === PatchOp.PushUrl || p.op === PatchOp.SetTitle)).toEqual([
      { op: PatchOp.PushUrl, url: "/items/4" },
      { op: PatchOp.SetTitle, text: "Item 4" },
    ]);
    expect([t.url(), t.title()]).toEqual(["/items/4", "Item 4"]);
    t.dispose();
  });

  it("the same page with another query keeps its instance; back/forward only replaces the URL", async () => {
    const t = mountPage(routes, "/search?q=a");
    expect(t.html()).toContain("q=a");
    const patches = await t.navigate("/search?q=b");
    expect(patches).toEqual([
      { op: PatchOp.SetText, parent: expect.any(Number), index: 0, text: "q=b" },
      { op: PatchOp.PushUrl, url: "/search?q=b" },
    ]);
    const back = await t.navigate("/search?q=a", true);
    expect(back.filter((p) => p.op === PatchOp.PushUrl || p.op === PatchOp.ReplaceUrl)).toEqual([
      { op: PatchOp.ReplaceUrl, url: "/search?q=a" },
    ]);
    expect(t.html()).toContain("q=a");
    t.dispose();
  });

  it("redirect() and notFound() during a page's setup navigate / show the 404 page", async () => {
    const t = mountPage(routes, "/");
    const patches = await t.navigate("/old");
    expect(t.html()).toContain("Item 3");
    expect(patches.filter((p) => p.op === PatchOp.ReplaceUrl || p.op === PatchOp.PushUrl)).toEqual([
      { op: PatchOp.PushUrl, url: "/old" },
      { op: PatchOp.ReplaceUrl, url: "/items/2" },
    ]);
    await t.navigate("/missing");
    expect(t.html()).toContain("Nothing here");
    await t.navigate("/no/such/page");
    expect(t.html()).toContain("Nothing here");
    expect(t.html()).toContain("shell");
    expect(t.errors()).toEqual([]);
    t.dispose();
  });

  it("handlers navigate with useNavigate() or by throwing redirect(), also after an await", async () => {
    const t = mountPage(routes, "/jump");
    await t.click(".go");
    expect(t.url()).toBe("/items/9");
    await t.navigate("/jump");
    await t.click(".away");
    expect(t.url()).toBe("/search?q=after");
    expect(t.html()).toContain("q=after");
    expect(t.errors()).toEqual([]);
    t.dispose();
  });

  it("a POST form submits live to the page's action: errors render, success starts afresh", async () => {
    todos.length = 0;
    const t = mountPage(routes, "/todos");
    expect(t.html()).toMatch(/<input[^>]* type="hidden" name="_csrf" value="[^"]+"/);
    await t.submit("form", { title: "  " });
    expect(t.find(".error").children).toEqual([{ kind: expect.any(Number), text: "Required" }]);
    await t.submit("form", { title: "milk" });
    expect(todos).toEqual(["milk"]);
    expect(t.html()).toMatch(/<li[^>]*>milk<\/li>/);
    expect(t.html()).not.toContain("Required");
    await t.submit("form", { title: "go" });
    expect(t.url()).toBe("/");
    t.dispose();
  });
});

describe("titles across live navigation", () => {
  const titles = (patches: readonly { op: number }[]) =>
    patches.filter((p) => p.op === PatchOp.SetTitle);

  it("a page without a title gets the app's default, or none: never the previous page's", async () => {
    const t = mountPage(routes, "/search");
    expect(t.title()).toBe("Search");
    expect(titles(await t.navigate("/"))).toEqual([{ op: PatchOp.SetTitle, text: "" }]);
    expect(titles(await t.navigate("/search"))).toEqual([{ op: PatchOp.SetTitle, text: "Search" }]);
    t.dispose();

    const d = mountPage(routes, "/search", { title: "Demo" });
    expect(titles(await d.navigate("/"))).toEqual([{ op: PatchOp.SetTitle, text: "Demo" }]);
    // Untitled to untitled: nothing to change.
    expect(titles(await d.navigate("/jump"))).toEqual([]);
    expect(d.title()).toBe("Demo");
    d.dispose();
  });
});

describe("navigate with replace, from handlers and actions", () => {
  const urlOps = (patches: readonly { op: number }[]) =>
    patches.filter((p) => p.op === PatchOp.PushUrl || p.op === PatchOp.ReplaceUrl);

  function Buttons() {
    const go = useNavigate();
    return () => (
      <div>
        <button type="button" class="push" onClick={() => go("/items/1")}>
          push
        </button>
        <button
          type="button"
          class="replace"
          onClick={async () => {
            await Promise.resolve();
            go("/items/2", { replace: true });
          }}
        >
          replace
        </button>
        <button type="button" class="redirect" onClick={() => redirect("/items/3")}>
          redirect
        </button>
        <button
          type="button"
          class="redirect-push"
          onClick={() => redirect("/items/4", { replace: false })}
        >
          redirect push
        </button>
      </div>
    );
  }

  let replaceNext = false;
  function Form() {
    return () => (
      <form method="post">
        <input name="to" />
      </form>
    );
  }
  async function go({ form }: ActionContext) {
    const to = form.get("to") ?? "/";
    redirect(to, replaceNext ? { replace: true } : undefined);
  }
  const table: RouteTable = {
    "/": Buttons,
    "/items/:id": { default: Item, params: { id: Number } },
    "/form": { default: Form, action: go },
  };

  it("useNavigate() pushes or replaces; redirect() from a handler replaces unless told to push", async () => {
    const cases: [string, string, PatchOp][] = [
      [".push", "/items/1", PatchOp.PushUrl],
      [".replace", "/items/2", PatchOp.ReplaceUrl],
      [".redirect", "/items/3", PatchOp.ReplaceUrl],
      [".redirect-push", "/items/4", PatchOp.PushUrl],
    ];
    for (const [button, url, op] of cases) {
      const t = mountPage(table, "/");
      expect(urlOps(await t.click(button))).toEqual([{ op, url }]);
      expect(t.url()).toBe(url);
      t.dispose();
    }
  });

  it("redirect() from an action pushes by default, replaces with { replace: true }", async () => {
    for (const [replace, op] of [
      [false, PatchOp.PushUrl],
      [true, PatchOp.ReplaceUrl],
    ] as const) {
      replaceNext = replace;
      const t = mountPage(table, "/form");
      expect(urlOps(await t.submit("form", { to: "/items/5" }))).toEqual([{ op, url: "/items/5" }]);
      expect(t.html()).toContain("Item 6");
      t.dispose();
    }
    replaceNext = false;
  });

  it("redirect() options are checked: a redirect status, a boolean replace", () => {
    const thrown = (f: () => void) => {
      try {
        f();
      } catch (err) {
        return err;
      }
    };
    expect(thrown(() => redirect("/a", { status: 303, replace: true }))).toMatchObject({
      location: "/a",
      httpStatus: 303,
      replace: true,
      document: false,
    });
    expect(thrown(() => redirect("/a", 301))).toMatchObject({
      httpStatus: 301,
      replace: undefined,
    });
    expect(thrown(() => redirect("/a", { status: 200 }))).toBeInstanceOf(RangeError);
    expect(thrown(() => redirect("/a", { replace: "yes" as never }))).toBeInstanceOf(TypeError);
  });
});

describe("a page that throws during a live navigation", () => {
  function Broken(): VChild {
    throw new Error("secret detail");
  }
  // An async page (the route table's type names sync components only).
  const LateBroken = (async (): Promise<VChild> => {
    await new Promise((r) => setTimeout(r, 5));
    throw new Error("late secret");
  }) as unknown as () => VChild;
  const errorPage = (p: { params: { code: string } }) => <h1>Sorry ({p.params.code})</h1>;
  const logged = () => {
    const lines: string[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (_o: object, msg?: string) => lines.push(msg ?? ""),
    };
    return { lines, logger };
  };

  it("shows the nearest _error page in the shared layout, answering the navigation", async () => {
    const log = logged();
    const t = mountPage(
      {
        "/_layout": Shell,
        "/": Home,
        "/broken": Broken,
        "/late": LateBroken,
        "/_error": errorPage,
      },
      "/",
      { logger: log.logger },
    );
    await t.click(".shell");
    const patches = await t.navigate("/broken");
    expect(patches.filter((p) => p.op === PatchOp.PushUrl)).toEqual([
      { op: PatchOp.PushUrl, url: "/broken" },
    ]);
    expect(t.html()).toMatch(/<h1[^>]*>Sorry \(render_error\)<\/h1>/);
    expect(t.html()).toContain("shell 1");
    expect(t.html()).not.toContain("secret");
    expect(t.errors()).toEqual([]);
    expect(log.lines).toEqual([
      "page render failed during a live navigation; its _error page answers",
    ]);
    // The session goes on: other pages, and back to the broken one again.
    await t.navigate("/");
    expect(t.html()).toMatch(/<h1[^>]*>Home<\/h1>/);
    await t.navigate("/broken");
    expect(t.html()).toContain("Sorry (render_error)");
    await t.navigate("/");
    expect(t.url()).toBe("/");
    // An async setup that rejects once the page is on show: the _error page too.
    await t.navigate("/late");
    expect(t.url()).toBe("/late");
    await new Promise((r) => setTimeout(r, 20));
    await t.settle();
    expect(t.html()).toContain("Sorry (render_error)");
    expect([t.errors(), log.lines.length]).toEqual([[], 3]);
    t.dispose();
  });

  it("a navigation that fails before any page renders is still answered by a frame (the progress ends)", async () => {
    const t = mountPage(
      {
        "/": Home,
        "/guarded/x": Home,
        "/guarded/_middleware": {
          enter: () => {
            throw new Error("check broke");
          },
        },
      },
      "/",
    );
    const seq = t.session.seq;
    expect(await t.navigate("/guarded/x")).toEqual([]);
    // An empty Patches frame carrying the navigation's cseq, then the coded error.
    expect(t.session.seq).toBe(seq + 1);
    expect(t.errors()).toEqual(["handler_error"]);
    expect(t.url()).toBe("/");
    t.dispose();
  });

  it("without an _error page (or when it throws too) the browser loads the URL as a document", async () => {
    for (const extra of [{}, { "/_error": Broken }] as RouteTable[]) {
      const log = logged();
      const t = mountPage({ "/_layout": Shell, "/": Home, "/broken": Broken, ...extra }, "/", {
        logger: log.logger,
      });
      const html = t.html();
      const patches = await t.navigate("/broken?x=1");
      expect(patches.filter((p) => p.op !== PatchOp.SetText)).toEqual([
        { op: PatchOp.Navigate, url: "/broken?x=1", replace: false },
      ]);
      expect([t.url(), t.errors()]).toEqual(["/", []]);
      expect(t.html().replace(/data-hid="\d+"/g, "")).toBe(html.replace(/data-hid="\d+"/g, ""));
      expect(log.lines.at(-1)).toBe(
        "page render failed during a live navigation; loading it as a document",
      );
      await t.click(".shell");
      expect(t.html()).toContain("shell 1");
      t.dispose();
    }
    // Failing once shown (an async setup): the pushed entry is replaced by the load.
    const t = mountPage({ "/": Home, "/late": LateBroken }, "/");
    await t.navigate("/late");
    await new Promise((r) => setTimeout(r, 20));
    expect(await t.settle()).toContainEqual({ op: PatchOp.Navigate, url: "/late", replace: true });
    expect(t.errors()).toEqual([]);
    t.dispose();
  });
});

describe("bad Navigate events", () => {
  it("a non-path or an over-long path is bad_request: coded, the page stays", async () => {
    const t = mountPage(routes, "/items/1");
    const html = t.html();
    for (const [path, code] of [
      ["javascript:alert(1)", "bad_request"],
      ["//evil.example/x", "bad_request"],
      ["/\\evil.example/x", "bad_request"],
      ["https://evil.example/", "bad_request"],
      ["", "bad_request"],
      [`/items/1?${"q".repeat(MAX_NAVIGATE_PATH)}`, "bad_request"],
    ] as const) {
      expect(await t.navigate(path)).toEqual([]);
      expect([path.slice(0, 20), t.errors()]).toEqual([path.slice(0, 20), [code]]);
    }
    expect([t.html(), t.url()]).toEqual([html, "/items/1"]);
    // The session keeps working.
    await t.navigate("/items/4");
    expect(t.html()).toContain("Item 5");
    t.dispose();
  });

  it("a path the router refuses (malformed escape, too many segments) loads as a document", async () => {
    const t = mountPage(routes, "/");
    for (const path of ["/items/%E0%A4%A", `/${"a/".repeat(100)}x`, `/${"x".repeat(3000)}`]) {
      expect(await t.navigate(path)).toEqual([{ op: PatchOp.Navigate, url: path, replace: false }]);
    }
    expect(await t.navigate("/items/%ZZ?x=1", true)).toEqual([
      { op: PatchOp.Navigate, url: "/items/%ZZ?x=1", replace: true },
    ]);
    expect([t.url(), t.errors()]).toEqual(["/", []]);
    await t.navigate("/items/2");
    expect(t.html()).toContain("Item 3");
    t.dispose();
  });
});

describe("double submits", () => {
  // Whether the action succeeds (the page starts afresh: new form) or refuses (the same
  // form stays), a submit that arrived while it ran is the same click twice.
  for (const outcome of ["success", "refusal"] as const) {
    it(`a second submit arriving while the action is pending is dropped (${outcome}): it runs once`, async () => {
      const gate: { open?: () => void } = {};
      const runs: string[] = [];
      async function slowAction({ form }: ActionContext) {
        runs.push(form.get("title") ?? "");
        await new Promise<void>((resolve) => {
          gate.open = resolve;
        });
        if (outcome === "refusal") return invalid({ error: "Taken" });
      }
      function Busy() {
        const busy = useSubmitting();
        return () => (
          <form method="post">
            <input name="title" />
            <button type="submit" disabled={busy()}>
              Add
            </button>
          </form>
        );
      }
      const t = mountPage({ "/": { default: Busy, action: slowAction } }, "/");
      const first = t.submit("form", { title: "once" });
      // The session's queue holds the second until the first settles: it must not run then.
      const second = t.submit("form", { title: "once" });
      await Promise.resolve();
      expect(runs).toEqual(["once"]);
      gate.open!();
      await first;
      await Promise.race([second, new Promise((r) => setTimeout(r, 200))]);
      expect(runs).toEqual(["once"]);
      // A submit made after the answer runs as usual.
      const third = t.submit("form", { title: "again" });
      await Promise.resolve();
      gate.open!();
      await third;
      expect(runs).toEqual(["once", "again"]);
      expect(t.errors()).toEqual([]);
      t.dispose();
    });
  }
});

describe("route event middleware", () => {
  it("runs around the events of sessions showing a page below it", async () => {
    const seen: string[] = [];
    const t = mountPage(
      {
        "/": () => <button type="button">open</button>,
        "/admin": () => (
          <button type="button" onClick={() => {}}>
            admin
          </button>
        ),
        "/admin/_middleware": {
          event: async (ctx, next) => {
            seen.push(`${ctx.route} ${ctx.eventName}`);
            await next();
          },
        },
      },
      "/admin",
    );
    await t.click("button");
    await t.navigate("/");
    expect(seen).toEqual(["/admin click", "/admin navigate"]);
    t.dispose();
  });
});
