/**
 * /todos on Postgres, in Chromium against two demo processes started together on one
 * `DATABASE_URL` (a throw-away schema): the migrations are applied once, the list and
 * the edit form read and write the database, and the forms are validated on the server
 * with their schemas — live (errors as you type, an async duplicate check, sub-tasks
 * added, reordered and removed) and with JavaScript off (422 with the errors, 303 when
 * saved).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestSchema, testSchema } from "../../../packages/vango/test/data/pg-schema.ts";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";
import { type DemoProcess, startDemo } from "./demo-process.ts";

let browser: TestBrowser;
let schema: TestSchema;
let demos: DemoProcess[] = [];
let base = "";

beforeAll(async () => {
  schema = await testSchema("todos");
  browser = await launch();
  const env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3D${schema.name}`,
    VANGO_SECRET: "todos-postgres-test-secret-0123456789",
  };
  demos = await Promise.all([startDemo(env), startDemo(env)]);
  base = demos[0]!.base;
}, 60_000);
afterAll(async () => {
  for (const d of demos) d.kill();
  await browser?.close();
  await schema?.drop();
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const c = await schema.client();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

const titles = async () =>
  (await rows("SELECT title FROM demo_todos ORDER BY id")).map((r) => r.title);
const subtasksOf = async (id: number) =>
  (await rows(`SELECT title FROM demo_subtasks WHERE todo_id = ${id} ORDER BY position`)).map(
    (r) => r.title,
  );

async function post(path: string, fields: [string, string][], page: Page) {
  // The CSRF field and cookie come from the page, as a browser's form post would send them.
  const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
  return page.request.post(`${base}${path}`, {
    form: Object.fromEntries([...fields, ["_csrf", csrf]]),
    maxRedirects: 0,
  });
}

describe("/todos on Postgres", () => {
  it("two instances starting together applied each migration once", async () => {
    expect(
      await rows(
        "SELECT scope, version FROM vango_migrations WHERE scope = 'demo' ORDER BY version",
      ),
    ).toEqual([
      { scope: "demo", version: 1 },
      { scope: "demo", version: 2 },
    ]);
    expect(await titles()).toEqual(["Read the README", "Try the demo with JavaScript off"]);
  }, 60_000);

  it("JavaScript off: 422 with the schema's errors, then post-redirect-get from the database", async () => {
    const context = await browser.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/todos`);
    const input = page.locator('[data-testid="todo-form"] input[name=title]');
    expect(await input.getAttribute("required")).toBeNull();
    expect(await input.getAttribute("maxlength")).toBeNull();
    for (const [title, error] of [
      ["   ", "Please enter a title."],
      ["x".repeat(101), "At most 100 characters, please."],
    ] as const) {
      await input.fill(title);
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.click('[data-testid="todo-form"] [type=submit]'),
      ]);
      expect(res.status()).toBe(422);
      await page.waitForLoadState();
      expect(await page.getByTestId("field-error").textContent()).toBe(error);
      expect(await input.inputValue()).toBe(title);
    }
    await input.fill("  Water the plants ");
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click('[data-testid="todo-form"] [type=submit]'),
    ]);
    expect(res.status()).toBe(303);
    await page.waitForURL(/\/todos\?added=\d+$/);
    expect(await page.getByTestId("todo-added").textContent()).toBe("Added “Water the plants”.");
    expect(await page.getByTestId("todo-item").allTextContents()).toContain("Water the plants");
    expect(await titles()).toContain("Water the plants");

    // The edit form without JavaScript: the same schema, 422 then 303.
    const [{ id }] = (await rows("SELECT id FROM demo_todos WHERE title = 'Water the plants'")) as [
      { id: string },
    ];
    await page.goto(`${base}/todos/${id}`);
    const bad = await post(
      `/todos/${id}`,
      [
        ["title", ""],
        ["subtasks[0].title", "Fill the can"],
        ["subtasks[1].title", ""],
      ],
      page,
    );
    expect(bad.status()).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Please enter a title.");
    expect(html).toContain("Name the sub-task, or remove it.");
    expect(html).toContain('value="Fill the can"');
    const good = await post(
      `/todos/${id}`,
      [
        ["title", "Water the plants"],
        ["subtasks[0].title", "Fill the can"],
        ["subtasks[1].title", "Mind the cactus"],
      ],
      page,
    );
    expect([good.status(), good.headers().location]).toEqual([303, `/todos?saved=${id}`]);
    expect(await subtasksOf(Number(id))).toEqual(["Fill the can", "Mind the cactus"]);
    await context.close();
  }, 60_000);

  it("live: errors as you submit, a new row from the database in every tab", async () => {
    const { page, problems } = await browser.page();
    const other = await browser.page();
    // The other tab is on the other instance: the change reaches it through the database.
    await page.goto(`${base}/todos`);
    await other.page.goto(`${demos[1]!.base}/todos`);
    await waitForStatus(page, "connected");
    await waitForStatus(other.page, "connected");
    const input = page.locator('[data-testid="todo-form"] input[name=title]');
    await input.fill("");
    await page.click('[data-testid="todo-form"] [type=submit]');
    await expect
      .poll(() => page.getByTestId("field-error").textContent())
      .toBe("Please enter a title.");
    await input.fill("Call the plumber");
    await page.click('[data-testid="todo-form"] [type=submit]');
    await page.waitForURL(/\/todos\?added=\d+$/);
    await expect
      .poll(() => page.getByTestId("todo-item").allTextContents())
      .toContain("Call the plumber");
    expect(await page.getByTestId("field-error").textContent()).toBe("");
    expect(await titles()).toContain("Call the plumber");
    // Same process: the tab sees it at once. (Across instances it needs the shared bus.)
    await other.page.reload();
    expect(await other.page.getByTestId("todo-item").allTextContents()).toContain(
      "Call the plumber",
    );
    expect(problems).toEqual([]);
    expect(other.problems).toEqual([]);
    await page.close();
    await other.page.close();
  }, 60_000);

  it("live edit form: field errors while typing, an async duplicate check, sub-tasks added, moved and removed", async () => {
    const { page, problems } = await browser.page();
    await page.goto(`${base}/todos/1`);
    await waitForStatus(page, "connected");
    const title = page.getByTestId("edit-title");
    expect(await title.inputValue()).toBe("Read the README");

    // Cleared and left: the schema's error, live.
    await title.fill("");
    await title.blur();
    await expect
      .poll(() => page.getByTestId("field-error").allTextContents())
      .toEqual(["Please enter a title."]);
    // Another todo's title: the debounced async check says so.
    await title.fill("try the demo with javascript off");
    await expect
      .poll(() => page.getByTestId("field-error").allTextContents())
      .toEqual(["Another todo has this title."]);
    await title.fill("Read the README twice");
    await expect.poll(() => page.getByTestId("field-error").count()).toBe(0);

    for (const [i, text] of ["Chapter one", "Chapter two", "Chapter three"].entries()) {
      await page.getByTestId("subtask-add").click();
      // Wait for this row, not any row: under load the previous one would take the text.
      await expect.poll(() => page.getByTestId("subtask").count()).toBe(i + 1);
      await page.getByTestId("subtask").nth(i).locator("input").fill(text);
    }
    await expect.poll(() => page.getByTestId("subtask").count()).toBe(3);
    // Move "Chapter three" up, remove "Chapter one".
    await page.getByTestId("subtask").nth(2).getByTestId("subtask-up").click();
    await page.getByTestId("subtask").nth(0).getByTestId("subtask-remove").click();
    await expect
      .poll(() =>
        page
          .getByTestId("subtask")
          .locator("input")
          .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
      )
      .toEqual(["Chapter three", "Chapter two"]);
    // An empty sub-task is refused on save, on its own row.
    await page.getByTestId("subtask-add").click();
    await expect.poll(() => page.getByTestId("subtask").count()).toBe(3);
    await page.getByTestId("edit-save").click();
    await expect
      .poll(() => page.getByTestId("subtask").nth(2).getByTestId("field-error").textContent())
      .toBe("Name the sub-task, or remove it.");
    await page.getByTestId("subtask").nth(2).getByTestId("subtask-remove").click();
    await page.getByTestId("edit-save").click();
    await page.waitForURL(`${base}/todos?saved=1`);
    expect(await subtasksOf(1)).toEqual(["Chapter three", "Chapter two"]);
    expect((await titles())[0]).toBe("Read the README twice");
    await expect
      .poll(() => page.getByTestId("todo-item").first().textContent())
      .toBe("Read the README twice");
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
