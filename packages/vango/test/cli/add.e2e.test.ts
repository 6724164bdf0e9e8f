/**
 * `vango add` end to end, as a user runs it (issue 18): an app made by `vango create`
 * in a temporary folder, installed from npm's cache; `add init` (which links the
 * stylesheet in the app's page head: `vango dev` serves it and the page links it; and
 * with `--dir`/`--css`), components with their dependencies, used in a validated form
 * and a data table that the app's own tests and `tsc` accept; then a local edit that
 * `--check` reports and `upgrade` refuses to overwrite, while it upgrades an untouched,
 * older copy beside it; coded errors and exit codes for misuse.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sparePort } from "vango/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRegistry, stamp } from "../../src/ui-registry/registry.ts";
import { install, npm, spawnVango, tempDir, vango } from "./cli-process.ts";

let dir = "";
let app = "";
beforeAll(() => {
  dir = tempDir("vango-add-");
  app = join(dir, "ui-app");
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const UI = "app/components/ui";
const read = (rel: string) => readFileSync(join(app, rel), "utf8");

const SIGNUP = `import { useForm } from "vango";
import { z } from "zod";
import { Button } from "../components/ui/button.tsx";
import { Checkbox } from "../components/ui/checkbox.tsx";
import { Input } from "../components/ui/input.tsx";
import { Select } from "../components/ui/select.tsx";

const Signup = z.object({
  email: z.string({ message: "Enter an email" }).email("Enter an email"),
  plan: z.enum(["free", "pro"], { message: "Choose a plan" }),
  terms: z.literal("on", { message: "Accept the terms" }),
});

export default function SignupPage() {
  const form = useForm({ schema: Signup, id: "signup" });
  return () => (
    <form {...form.props()} novalidate>
      <Input form={form} name="email" type="email" label="Email" />
      <Select form={form} name="plan" label="Plan" placeholder="Choose…"
        options={[{ value: "free", label: "Free" }, { value: "pro", label: "Pro" }]} />
      <Checkbox form={form} name="terms" label="I accept the terms" />
      <Button type="submit">Sign up</Button>
    </form>
  );
}
`;

const PEOPLE = `import { DataTable, type TableQuery } from "../components/ui/data-table.tsx";

interface Person { id: number; name: string }
const PEOPLE: Person[] = Array.from({ length: 23 }, (_, i) => ({ id: i + 1, name: \`Person \${i + 1}\` }));

function query(q: TableQuery) {
  const rows = PEOPLE.filter((p) => p.name.includes(q.filter));
  return { rows: rows.slice((q.page - 1) * q.pageSize, q.page * q.pageSize), total: rows.length };
}

export default function People() {
  return <DataTable<Person> id="people" caption="People" rowKey={(p) => p.id} pageSize={10}
    columns={[{ key: "id", header: "Id" }, { key: "name", header: "Name", sortable: true }]}
    fetch={query} />;
}
`;

const TEST = `import assert from "node:assert/strict";
import { test } from "node:test";
import { mountTest } from "vango/testing";
import People from "../app/routes/people.tsx";
import SignupPage from "../app/routes/signup.tsx";

test("the sign-up form shows its errors on the fields", async () => {
  const t = mountTest(SignupPage);
  await t.submit("form", { email: "nope" });
  assert.equal(t.find("#signup-email").attrs["aria-invalid"], "true");
  assert.equal(t.find("#signup-email").attrs["aria-describedby"], "signup-email-error");
  assert.equal(t.find("#signup-plan").attrs["aria-invalid"], "true");
  assert.match(t.html(), /Accept the terms/);
  t.dispose();
});

test("the table pages on the server", async () => {
  const t = mountTest(People);
  await t.settle();
  assert.match(t.html(), /Page 1 of 3/);
  await t.click("#people-next");
  await t.settle();
  assert.match(t.html(), /Page 2 of 3/);
  assert.match(t.html(), /Person 11/);
  t.dispose();
});
`;

describe("vango add", () => {
  it("create an app; add refuses before init and unknown names; init and add with dependencies", async () => {
    const created = await vango(["create", "ui-app"], dir);
    expect(created.code, created.stderr).toBe(0);
    await install(app);
    await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "zod@4.6.7"], app);

    const early = await vango(["add", "button"], app);
    expect([early.code, early.stderr]).toEqual([1, expect.stringContaining("ui_not_initialised")]);
    expect((await vango(["add"], app)).code).toBe(64);
    expect((await vango(["add", "button", "--dir", "x"], app)).code).toBe(64);

    const init = await vango(["add", "init"], app);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout.trim().split("\n")).toEqual([
      `+ ${UI}/cn.ts`,
      `+ ${UI}/variants.ts`,
      "+ public/vango-ui.css",
      "+ app/server.tsx (links /vango-ui.css)",
    ]);
    expect(JSON.parse(read("vango-ui.json"))).toEqual({ dir: UI, css: "public/vango-ui.css" });
    expect(read("app/server.tsx")).toContain('<link rel="stylesheet" href="/vango-ui.css" />');

    const unknown = await vango(["add", "buton"], app);
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      expect.stringContaining('ui_unknown_component: "buton"'),
    ]);

    const added = await vango(["add", "data-table", "select", "checkbox"], app);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout.trim().split("\n")).toEqual([
      `= ${UI}/cn.ts`,
      `= ${UI}/variants.ts`,
      `+ ${UI}/button.tsx`,
      `+ ${UI}/label.tsx`,
      `+ ${UI}/field.tsx`,
      `+ ${UI}/input.tsx`,
      `+ ${UI}/skeleton.tsx`,
      `+ ${UI}/data-table.tsx`,
      `+ ${UI}/select.tsx`,
      `+ ${UI}/checkbox.tsx`,
    ]);
    const { version } = loadRegistry();
    expect(read(`${UI}/select.tsx`).split("\n")[0]).toMatch(
      new RegExp(`^// vango-ui select ${version.replace(/\./g, "\\.")} sha256-[A-Za-z0-9+/]+=*$`),
    );
    const list = await vango(["add", "list"], app);
    expect(list.stdout).toMatch(/✓ data-table/);
    expect(list.stdout).toMatch(/ {2}tabs /);
  }, 240_000);

  it("add init --dir --css: files where asked, the stylesheet linked at its URL; again: nothing new", async () => {
    const other = join(dir, "ui-app-paths");
    expect((await vango(["create", "ui-app-paths"], dir)).code).toBe(0);
    const args = ["add", "init", "--dir", "src/ui", "--css", "public/css/ui.css"];
    const first = await vango(args, other);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split("\n")).toEqual([
      "+ src/ui/cn.ts",
      "+ src/ui/variants.ts",
      "+ public/css/ui.css",
      "+ app/server.tsx (links /css/ui.css)",
    ]);
    const at = (rel: string) => readFileSync(join(other, rel), "utf8");
    expect(JSON.parse(at("vango-ui.json"))).toEqual({ dir: "src/ui", css: "public/css/ui.css" });
    expect(at("public/css/ui.css")).toMatch(/^\/\* vango-ui theme /);
    expect(at("src/ui/cn.ts")).toMatch(/^\/\/ vango-ui utils /);
    expect(at("app/server.tsx")).toContain('<link rel="stylesheet" href="/css/ui.css" />');
    const again = await vango(args, other);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim().split("\n")).toEqual([
      "= src/ui/cn.ts",
      "= src/ui/variants.ts",
      "= public/css/ui.css",
      "= app/server.tsx (links /css/ui.css)",
    ]);
    expect(at("app/server.tsx").match(/href="\/css\/ui\.css"/g)).toHaveLength(1);
  }, 60_000);

  it("the app serves the stylesheet init wrote, and its pages link it", async () => {
    const port = await sparePort();
    const d = spawnVango(["dev"], app, { PORT: String(port), METRICS_PORT: "off" });
    try {
      await d.waitFor("vango dev on");
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<link rel="stylesheet" href="\/vango-ui\.css"\/?>/);
      const css = await fetch(`http://127.0.0.1:${port}/vango-ui.css`);
      expect(css.status).toBe(200);
      expect(css.headers.get("content-type")).toMatch(/^text\/css/);
      expect(await css.text()).toBe(read("public/vango-ui.css"));
    } finally {
      d.child.kill("SIGTERM");
      await d.exited;
    }
  }, 120_000);

  it("the components work in the app: a validated form and a data table, tests and tsc pass", async () => {
    writeFileSync(join(app, "app/routes/signup.tsx"), SIGNUP);
    writeFileSync(join(app, "app/routes/people.tsx"), PEOPLE);
    writeFileSync(join(app, "test/ui.test.tsx"), TEST);
    expect(await npm(["test"], app)).toContain("# pass 3");
    await npm(["run", "typecheck"], app);
  }, 240_000);

  it("--check reports a local change; upgrade keeps it and upgrades an untouched older copy", async () => {
    expect((await vango(["add", "--check"], app)).code).toBe(0);

    // A change of the app's own to the button.
    const button = `${UI}/button.tsx`;
    writeFileSync(join(app, button), read(button).replace('"vui-btn"', '"vui-btn my-btn"'));
    const mine = read(button);
    // An untouched copy of an older release of the input (its header matches its body).
    const input = `${UI}/input.tsx`;
    const older = `${loadRegistry().files.get("input.tsx")}// an older release\n`;
    writeFileSync(join(app, input), stamp("input", "0.0.1", "input.tsx", older));

    const check = await vango(["add", "--check"], app);
    expect([check.code, check.stderr]).toEqual([1, expect.stringContaining("ui_not_current")]);
    expect(check.stdout).toContain(`! ${button} (changed here: kept)`);
    expect(check.stdout).toContain(`! ${input} (outdated: vango add upgrade)`);

    const up = await vango(["add", "upgrade"], app);
    expect([up.code, up.stderr]).toEqual([
      1,
      expect.stringContaining(`ui_changed_locally: kept ${button}`),
    ]);
    expect(up.stdout).toContain(`↑ ${input}`);
    expect(read(button)).toBe(mine);
    expect(read(input)).not.toContain("an older release");
    expect((await vango(["add", "--check", "input"], app)).code).toBe(0);
    // add does not overwrite it either.
    const again = await vango(["add", "button"], app);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining("ui_changed_locally")]);
    expect(read(button)).toBe(mine);
    // Deleting the file takes the registry's again.
    rmSync(join(app, button));
    expect((await vango(["add", "button"], app)).code).toBe(0);
    expect((await vango(["add", "--check"], app)).code).toBe(0);
  }, 120_000);
});
