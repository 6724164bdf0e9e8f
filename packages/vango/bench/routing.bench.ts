/**
 * Route matching (issue 11): a 100-route table — 60 static pages, 30 with one or two
 * parameters (half with a `Number` parser), 10 catch-alls — and the time to match a
 * static path, a parametrised one (with parsing), a catch-all, a miss, and a path that
 * backtracks (its static prefix leads nowhere, a parameter route matches).
 */
import { Router } from "../src/routing/router.ts";
import { bench, printTable } from "./util.ts";

const Page = () => null;
const routes: Record<string, unknown> = {};
for (let i = 0; i < 60; i++) routes[`/section${i % 6}/page${i}`] = Page;
for (let i = 0; i < 15; i++) routes[`/items${i}/:id`] = { default: Page, params: { id: Number } };
for (let i = 0; i < 15; i++) routes[`/users${i}/:user/posts/:post`] = Page;
for (let i = 0; i < 10; i++) routes[`/docs${i}/*slug`] = Page;
routes["/shop/special/offer"] = Page;
routes["/shop/:category/:item"] = Page;
if (Object.keys(routes).length !== 102) throw new Error("table size");

const r = new Router(routes as ConstructorParameters<typeof Router>[0]);
const check = (path: string) => {
  const m = r.match(path);
  if (m === undefined || typeof m === "string") throw new Error(`no match: ${path}`);
};
check("/section3/page57");
check("/items7/42");
check("/users9/ann/posts/7");
check("/docs4/guide/routing/params");
check("/shop/special/sale");

printTable("Route matching, 102 routes (ns per match, median of 7 runs)", [
  bench("static: /section3/page57", () => r.match("/section3/page57")),
  bench("param + Number parser: /items7/42", () => r.match("/items7/42")),
  bench("two params: /users9/ann/posts/7", () => r.match("/users9/ann/posts/7")),
  bench("catch-all: /docs4/guide/routing/params", () => r.match("/docs4/guide/routing/params")),
  bench("backtrack: /shop/special/sale", () => r.match("/shop/special/sale")),
  bench("percent-decoded: /users9/j%C3%B6rg/posts/7", () => r.match("/users9/j%C3%B6rg/posts/7")),
  bench("miss: /nowhere/at/all", () => r.match("/nowhere/at/all")),
]);
