/**
 * Form recovery in Chromium against the demo process: what was typed into the /todos
 * form (a plain POST form: the server knows nothing of it until the submit) and into the
 * live echo input survives a dropped socket, a restart that loses the session (a fresh
 * state dir: the page is rebuilt from its URL and sent whole) and a reload; a submit
 * forgets it. Sub-tasks added to the /todos/<id> edit form (a `useForm` array) come back
 * with their text after a reload and a lost session (the browser hands its record to the
 * server); after a restart that keeps the session, from the checkpoint alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { DEFAULT_PERSISTENCE } from "vango/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";
import { type DemoProcess, startDemo } from "./demo-process.ts";

const SECRET = "form-recovery-test-secret-0123456789";

let browser: TestBrowser;
let dir = "";
const running: DemoProcess[] = [];
beforeAll(async () => {
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), "vango-recovery-"));
});
afterEach(() => {
  for (const d of running.splice(0)) d.kill();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(stateDir: string, port?: number): Promise<DemoProcess> {
  const d = await startDemo({ VANGO_SECRET: SECRET, VANGO_STATE_DIR: join(dir, stateDir) }, port);
  running.push(d);
  return d;
}

/** Kills `d` and starts a process on its port with an empty state dir: the session is gone. */
async function restartEmpty(d: DemoProcess, stateDir: string): Promise<DemoProcess> {
  d.child.kill("SIGKILL");
  await d.exited;
  running.splice(running.indexOf(d), 1);
  return start(stateDir, d.port);
}

/** Stops `d` with `signal` and starts it again on its port with the same state dir. */
async function restartKept(
  d: DemoProcess,
  signal: "SIGTERM" | "SIGKILL",
  stateDir: string,
): Promise<DemoProcess> {
  d.child.kill(signal);
  await d.exited;
  running.splice(running.indexOf(d), 1);
  return start(stateDir, d.port);
}

/** The edit form's sub-task texts, in order. */
const subtasks = (page: Page) =>
  page.evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLInputElement>('[data-testid="subtask"] input'),
      (i) => i.value,
    ),
  );

/** Adds a sub-task row (a live click) and types `text` into it. */
async function addSubtask(page: Page, text: string): Promise<void> {
  const rows = page.getByTestId("subtask");
  const n = await rows.count();
  await page.getByTestId("subtask-add").click();
  await expect.poll(() => rows.count()).toBe(n + 1);
  await rows.nth(n).locator("input").fill(text);
  await expect.poll(() => subtasks(page)).toEqual(expect.arrayContaining([text]));
}

const value = (page: Page, selector: string) =>
  page.evaluate((s) => (document.querySelector(s) as HTMLInputElement).value, selector);

/** Problems besides the browser's report of a socket that could not connect (restarts). */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/WebSocket connection to .* failed/.test(p));

/** Counts full resyncs the page received. */
const countResyncs = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { resyncs: number };
    w.resyncs = 0;
    document.addEventListener("vango:resync", () => w.resyncs++);
  });
const resyncs = (page: Page) =>
  page.evaluate(() => (window as unknown as { resyncs: number }).resyncs);

interface RecoverFacts {
  recovers: number;
  reconnects: number;
  marker: number;
  resyncs: number;
}

/** Counts form recovery's hand-overs and reconnects, and marks the page (a reload loses it). */
const watchRecover = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as RecoverFacts;
    w.recovers = 0;
    w.reconnects = 0;
    w.marker = 7;
    document.addEventListener("formrecover", () => w.recovers++);
    document.addEventListener("vango:status", (e) => {
      if ((e as CustomEvent<{ status: string }>).detail.status === "connected") w.reconnects++;
    });
  });
const recoverFacts = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as RecoverFacts;
    return { recovers: w.recovers, reconnects: w.reconnects, marker: w.marker, resyncs: w.resyncs };
  });

describe("form recovery", () => {
  it("the /todos form keeps what was typed through a socket drop, a lost session and a reload", async () => {
    let demo = await start("a");
    const { page, problems } = await browser.page();
    await page.goto(`${demo.base}/todos`);
    await waitForStatus(page, "connected");
    await countResyncs(page);
    const title = page.locator('[data-testid="todo-form"] input[name="title"]');
    await title.fill("Buy oat milk");

    // A dropped socket: the session resumes, the DOM is untouched. "reconnecting" is
    // seen by its event: a first retry drawn at a few ms can be over between two polls.
    await page.evaluate(() => {
      const w = window as unknown as { sawReconnecting: boolean; __vango: { ws: WebSocket } };
      w.sawReconnecting = false;
      document.addEventListener("vango:status", (e) => {
        if ((e as CustomEvent<{ status: string }>).detail.status === "reconnecting") {
          w.sawReconnecting = true;
        }
      });
      w.__vango.ws.close();
    });
    await page.waitForFunction(
      () => (window as unknown as { sawReconnecting: boolean }).sawReconnecting,
      undefined,
      { timeout: 10_000 },
    );
    await waitForStatus(page, "connected");
    expect(await value(page, 'input[name="title"]')).toBe("Buy oat milk");

    // The server restarts without the session: the page is rebuilt and sent whole.
    demo = await restartEmpty(demo, "b");
    await expect.poll(() => resyncs(page), { timeout: 15_000 }).toBe(1);
    await waitForStatus(page, "connected");
    expect(await value(page, 'input[name="title"]')).toBe("Buy oat milk");

    // A reload: a new page and session, the typed text comes back.
    await page.reload();
    await waitForStatus(page, "connected");
    expect(await value(page, 'input[name="title"]')).toBe("Buy oat milk");

    // The submit adds it and forgets the draft.
    await page.getByTestId("todo-form").locator('[type="submit"]').click();
    await expect
      .poll(() => page.getByTestId("todo-item").allTextContents())
      .toContain("Buy oat milk");
    await page.reload();
    await waitForStatus(page, "connected");
    expect(await value(page, 'input[name="title"]')).toBe("");
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  }, 60_000);

  it("a live form's typed values come back after a reload, and its server state follows", async () => {
    const demo = await start("e");
    const { page, problems } = await browser.page();
    await page.goto(`${demo.base}/todos/1`);
    await waitForStatus(page, "connected");
    const status = page.locator(".todo-edit-status");
    expect(await status.textContent()).toBe("Saved");
    await page.getByTestId("edit-title").fill("Read the README again");
    await expect.poll(() => status.textContent()).toBe("Unsaved changes");
    await page.reload();
    await waitForStatus(page, "connected");
    expect(await page.getByTestId("edit-title").inputValue()).toBe("Read the README again");
    // The restored value's input event reached the new session: its form is dirty.
    await expect.poll(() => status.textContent()).toBe("Unsaved changes");
    await page.getByTestId("edit-save").click();
    await page.waitForURL(`${demo.base}/todos?saved=1`);
    await expect
      .poll(() => page.getByTestId("todo-item").first().textContent())
      .toBe("Read the README again");
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("sub-tasks added to the edit form come back with their text after a reload and a lost session", async () => {
    let demo = await start("f");
    const { page, problems } = await browser.page();
    await page.goto(`${demo.base}/todos/1`);
    await waitForStatus(page, "connected");
    const status = page.locator(".todo-edit-status");
    await addSubtask(page, "Buy stamps");
    await addSubtask(page, "Post the letter");
    await expect.poll(() => status.textContent()).toBe("Unsaved changes");

    // A reload: the server's page has no sub-tasks; the rows come back with their text.
    await page.reload();
    await waitForStatus(page, "connected");
    await expect.poll(() => subtasks(page)).toEqual(["Buy stamps", "Post the letter"]);
    await expect.poll(() => status.textContent()).toBe("Unsaved changes");

    // A restart that loses the session: rebuilt from the URL, sent whole, rows put back.
    await countResyncs(page);
    demo = await restartEmpty(demo, "f2");
    await expect.poll(() => resyncs(page), { timeout: 15_000 }).toBe(1);
    await waitForStatus(page, "connected");
    await expect.poll(() => subtasks(page)).toEqual(["Buy stamps", "Post the letter"]);

    // A removed row stays removed across a reload (the record follows the page).
    await page.getByTestId("subtask-remove").first().click();
    await expect.poll(() => subtasks(page)).toEqual(["Post the letter"]);
    await page.reload();
    await waitForStatus(page, "connected");
    await expect.poll(() => subtasks(page)).toEqual(["Post the letter"]);

    // The server's form holds the recovered row: saving stores it.
    await page.getByTestId("edit-save").click();
    await page.waitForURL(`${demo.base}/todos?saved=1`);
    await page.goto(`${demo.base}/todos/1`);
    await waitForStatus(page, "connected");
    expect(await subtasks(page)).toEqual(["Post the letter"]);
    expect(await status.textContent()).toBe("Saved");
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  }, 90_000);

  it("the edit form's rows and values survive restarts from the checkpoint, with nothing to recover", async () => {
    let demo = await start("g");
    const { page, problems } = await browser.page();
    await page.goto(`${demo.base}/todos/1`);
    await waitForStatus(page, "connected");
    const status = page.locator(".todo-edit-status");
    await page.getByTestId("edit-title").fill("Read the README twice");
    await addSubtask(page, "From the checkpoint");
    await addSubtask(page, "Second");
    await page.getByTestId("subtask-up").nth(1).click();
    await expect.poll(() => subtasks(page)).toEqual(["Second", "From the checkpoint"]);
    await expect.poll(() => status.textContent()).toBe("Unsaved changes");
    await countResyncs(page);
    await watchRecover(page);

    let reconnects = 0;
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      // SIGKILL finds only what the last checkpoint holds: wait one out, with room for a
      // wave that a busy machine delays (with 0.5 s of room, one run with two test files
      // at once resynced after the SIGKILL).
      if (signal === "SIGKILL") {
        await new Promise((r) => setTimeout(r, DEFAULT_PERSISTENCE.checkpointMs + 2_500));
      }
      demo = await restartKept(demo, signal, "g");
      reconnects++;
      await expect
        .poll(async () => (await recoverFacts(page)).reconnects, { timeout: 15_000 })
        .toBe(reconnects);
      await waitForStatus(page, "connected");
      // The rebuilt session's form (mounted once its todo loaded, under <Async>) found its
      // state in the checkpoint: nothing was resent, no page was sent whole.
      expect(await recoverFacts(page)).toEqual({ recovers: 0, reconnects, marker: 7, resyncs: 0 });
      expect(await subtasks(page)).toEqual(["Second", "From the checkpoint"]);
      expect(await page.getByTestId("edit-title").inputValue()).toBe("Read the README twice");
      expect(await status.textContent()).toBe("Unsaved changes");
      // The server holds the rows: it moves them.
      await page.getByTestId("subtask-up").nth(1).click();
      await expect.poll(() => subtasks(page)).toEqual(["From the checkpoint", "Second"]);
      await page.getByTestId("subtask-up").nth(1).click();
      await expect.poll(() => subtasks(page)).toEqual(["Second", "From the checkpoint"]);
    }

    await page.getByTestId("edit-save").click();
    await page.waitForURL(`${demo.base}/todos?saved=1`);
    await expect
      .poll(() => page.getByTestId("todo-item").first().textContent())
      .toBe("Read the README twice");
    await page.goto(`${demo.base}/todos/1`);
    await waitForStatus(page, "connected");
    expect(await subtasks(page)).toEqual(["Second", "From the checkpoint"]);
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  }, 90_000);

  it("a live input gets its text back after a lost session, and the server hears it", async () => {
    let demo = await start("c");
    const { page, problems } = await browser.page();
    await page.goto(`${demo.base}/`);
    await waitForStatus(page, "connected");
    await countResyncs(page);
    await page.getByTestId("echo-input").pressSequentially("hello");
    await expect.poll(() => page.locator("#echo-output").textContent()).toBe("You typed: hello");
    demo = await restartEmpty(demo, "d");
    await expect.poll(() => resyncs(page), { timeout: 15_000 }).toBe(1);
    expect(await value(page, '[data-testid="echo-input"]')).toBe("hello");
    // The rebuilt session renders the echo from the restored input's event.
    await expect.poll(() => page.locator("#echo-output").textContent()).toBe("You typed: hello");
    await page.getByTestId("echo-input").press("End");
    await page.getByTestId("echo-input").pressSequentially("!");
    await expect.poll(() => page.locator("#echo-output").textContent()).toBe("You typed: hello!");
    expect(unexpected(problems)).toEqual([]);
    await page.close();
  }, 60_000);
});
