/**
 * Typed params: a page's parsers decide its component's props type — `PageProps<typeof
 * params>` for a route file, `definePage()` for a `routes` entry, whose `title`, `head`,
 * `action` and `prefetch` see the parsed params too. The type-level half is checked by
 * `tsc` (`npm run typecheck` covers this file): each `@ts-expect-error` must be an error.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { PageProps } from "../../src/routing/params.ts";
import { definePage } from "../../src/routing/route-table.ts";
import { mountPage } from "../../src/testing/mount-test.ts";

// A route file's exports.
export const params = { id: Number, slug: z.string().min(2), tag: (raw: string) => raw === "x" };
function Item(props: PageProps<typeof params>) {
  expectTypeOf(props.params).toEqualTypeOf<{ id: number; slug: string; tag: boolean }>();
  return <h1>Item {props.params.id + 1}</h1>;
}

describe("typed params", () => {
  it("PageProps follows the parsers; a page without parsers has no params", () => {
    expectTypeOf<PageProps>().toEqualTypeOf<{ readonly params: {} }>();
    expectTypeOf<PageProps<{ n: NumberConstructor }>["params"]["n"]>().toEqualTypeOf<number>();
    expectTypeOf(Item).parameter(0).toEqualTypeOf<PageProps<typeof params>>();
  });

  it("definePage types every part by the parsers and refuses a component that wants others", async () => {
    const page = definePage({
      params: { id: Number },
      title: ({ params }) => `Item ${params.id.toFixed(0)}`,
      head: ({ params }) => <meta name="item" content={String(params.id * 2)} />,
      action: ({ params }) => {
        expectTypeOf(params.id).toEqualTypeOf<number>();
      },
      prefetch: ({ params, signal }) => {
        expectTypeOf(params.id).toEqualTypeOf<number>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      },
      default: (p) => <h1>Item {p.params.id + 1}</h1>,
    });
    definePage({
      params: { id: Number },
      // @ts-expect-error: the parser gives a number, not a string
      default: (p: { params: { id: string } }) => <h1>{p.params.id}</h1>,
    });
    definePage({
      params: { id: Number },
      // @ts-expect-error: no parser named `slug`
      title: ({ params }) => params.slug,
      default: () => <h1>x</h1>,
    });
    // @ts-expect-error: a parser must be a function or a Standard Schema
    definePage({ params: { id: 42 }, default: () => <h1>x</h1> });

    // At run time it is the module as given: a `routes` entry like any other.
    const t = mountPage({ "/items/:id": page }, "/items/41");
    expect(t.html()).toMatch(/<h1[^>]*>Item 42<\/h1>/);
    expect(t.title()).toBe("Item 41");
    t.dispose();
  });
});
