import assert from "node:assert/strict";
import { test } from "node:test";
import { mountTest } from "vango/testing";
import Home from "../app/routes/index.tsx";

test("the counter counts", async () => {
  const t = mountTest(Home);
  assert.match(t.html(), /Welcome to Vango/);
  await t.click('[data-testid="counter-inc"]');
  assert.match(t.html(), /data-testid="counter-value"[^>]*>1</);
  t.dispose();
});
