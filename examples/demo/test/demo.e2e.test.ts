/**
 * The demo in real Chromium: SSR content before the client connects, every card
 * interactive over the WebSocket, state intact after the socket drops — run against
 * the readable and the minified client bundle. Any console or page error fails a test.
 */

import { createApp } from "vango/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOptions } from "../src/options.tsx";
import { launch, type TestBrowser, waitForStatus } from "./browser.ts";

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

for (const minifyClient of [false, true]) {
  describe(`demo with the ${minifyClient ? "minified" : "readable"} client`, () => {
    let base = "";
    let close: () => Promise<void> = async () => {};
    beforeAll(async () => {
      const app = createApp({ ...(await demoOptions()), minifyClient });
      const listening = await app.listen(0, "127.0.0.1");
      base = `http://127.0.0.1:${listening.port}`;
      close = listening.close;
    });
    afterAll(async () => {
      await close();
    });

    it("shows server-rendered content before the client connects", async () => {
      const { page, problems } = await browser.page();
      await page.route("**/_vango/client.*.js", (route) => route.abort());
      await page.goto(base + "/", { waitUntil: "domcontentloaded" });
      expect(await page.textContent("#counter .count")).toBe("Count: 0");
      expect(await page.locator("#check-list li").count()).toBe(3);
      await page.close();
      // The aborted client script is the only expected problem.
      expect(problems.filter((p) => !p.includes("ERR_FAILED"))).toEqual([]);
    });

    it("loads the favicon and the stylesheet linked from the page head", async () => {
      const { page, problems } = await browser.page();
      await page.goto(base + "/");
      await waitForStatus(page, "connected");
      const color = await page.evaluate(
        () => getComputedStyle(document.querySelector("#counter h2")!).color,
      );
      expect(color).toBe("rgb(124, 58, 214)");
      const icon = await page.request.get(base + "/favicon.ico");
      expect([icon.status(), icon.headers()["content-type"]]).toEqual([200, "image/x-icon"]);
      expect((await icon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
      await page.close();
      expect(problems).toEqual([]);
    });

    it("counter, echo, todos: click, type, toggle, reorder, filter", async () => {
      const { page, problems } = await browser.page();
      await page.goto(base + "/");
      await waitForStatus(page, "connected");

      await page.click("#inc");
      await page.click("#inc");
      await page.click("#dec");
      await expect.poll(() => page.textContent("#counter .count")).toBe("Count: 1");

      await page.click("#echo-input");
      await page.keyboard.type("héllo wörld", { delay: 5 });
      await expect.poll(() => page.textContent("#echo-output")).toBe("You typed: héllo wörld");
      expect(await page.inputValue("#echo-input")).toBe("héllo wörld");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("echo-input");

      await page.fill("#check-input", "Ship it");
      await page.press("#check-input", "Enter");
      await expect
        .poll(() => page.locator("#check-list li .title").allTextContents())
        .toEqual(["Read the README", "Click around the demo", "Write a component", "Ship it"]);
      expect(await page.inputValue("#check-input")).toBe("");

      await page.click('#check-list li[data-id="2"] input[type=checkbox]');
      await expect.poll(() => page.textContent("#check-remaining")).toBe("2 left");

      await page.click('#check-list li[data-id="4"] .up');
      await expect
        .poll(() =>
          page
            .locator("#check-list li")
            .evaluateAll((els) => els.map((e) => e.getAttribute("data-id"))),
        )
        .toEqual(["1", "2", "4", "3"]);

      await page.click("#filter-active");
      await expect
        .poll(() => page.locator("#check-list li .title").allTextContents())
        .toEqual(["Ship it", "Write a component"]);
      await page.click('#check-list li[data-id="3"] .remove');
      await expect
        .poll(() => page.locator("#check-list li .title").allTextContents())
        .toEqual(["Ship it"]);

      await page.close();
      expect(problems).toEqual([]);
    });

    it("the server clock ticks without any client event", async () => {
      const { page, problems } = await browser.page();
      await page.goto(base + "/");
      await waitForStatus(page, "connected");
      const first = await page.textContent("#clock-time");
      await expect.poll(() => page.textContent("#clock-time"), { timeout: 4_000 }).not.toBe(first);
      await page.close();
      expect(problems).toEqual([]);
    });

    it("keeps state across a dropped WebSocket and resumes", async () => {
      const { page, problems } = await browser.page();
      await page.goto(base + "/");
      await waitForStatus(page, "connected");
      await page.click("#inc");
      await page.click("#inc");
      await expect.poll(() => page.textContent("#counter .count")).toBe("Count: 2");

      await page.evaluate(() => {
        (window as unknown as { __vango: { ws: WebSocket } }).__vango.ws.close();
      });
      await waitForStatus(page, "connected");
      await page.click("#inc");
      await expect.poll(() => page.textContent("#counter .count")).toBe("Count: 3");

      // Offline → online: the network itself goes away, then comes back.
      await page.context().setOffline(true);
      await page.evaluate(() => {
        (window as unknown as { __vango: { ws: WebSocket } }).__vango.ws.close();
      });
      await page.context().setOffline(false);
      await waitForStatus(page, "connected");
      await page.click("#inc");
      await expect.poll(() => page.textContent("#counter .count")).toBe("Count: 4");
      await page.close();
      expect(problems.filter((p) => !/WebSocket|ERR_INTERNET_DISCONNECTED/.test(p))).toEqual([]);
    });
  });
}
