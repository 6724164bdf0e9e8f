/**
 * `vango gen`: scaffolds that compile as written — a route (`items/[id]` gets a typed
 * param), a component, a subtree's middleware — and `gen routes`, the typed route
 * manifest `app/routes.gen.tsx`: `Href` (every path the app serves, as template literal
 * types), `href(route, params)`, vango's `Link` typed so its `href` must be one of them,
 * `useHref()`, a `navigate` that takes only those. `dev` and `build` keep an existing
 * manifest current.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { type RouteFile, scanRoutes } from "../routing/file-routes.ts";
import { CliError, CliErrorCode } from "./cli-error.ts";
import { project } from "./project.ts";

export const GEN_KINDS = ["route", "component", "middleware"] as const;
export type GenKind = (typeof GEN_KINDS)[number];

/** Where `gen routes` writes (beside `app/routes/`, so it is not a route itself). */
export const ROUTES_GEN_FILE = "routes.gen.tsx";

const SEGMENT = /^(\[\.\.\.[A-Za-z_$][\w$]*\]|\[[A-Za-z_$][\w$]*\]|[A-Za-z0-9._~-]+)$/;

function checkPath(kind: string, path: string): string[] {
  const parts = path.replace(/^\/+|\/+$/g, "").split("/");
  if (path === "" || parts.some((p) => !SEGMENT.test(p) || p === "." || p === "..")) {
    throw new CliError(
      CliErrorCode.usage,
      `${kind} path ${JSON.stringify(path)}: segments are names, [param] or [...rest]`,
    );
  }
  return parts;
}

/** `user-card` / `userCard` / `UserCard` → `UserCard`. */
function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+|(?=[A-Z])/)
    .filter((s) => s !== "")
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join("");
}

const kebab = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .toLowerCase();

function routeSource(parts: string[]): string {
  const params = parts
    .filter((p) => p.startsWith("["))
    .map((p) => p.replace(/^\[(\.\.\.)?|\]$/g, ""));
  const name = pascal(parts.filter((p) => !p.startsWith("[") && p !== "index").join("-")) || "Home";
  const title = `/${parts.filter((p) => p !== "index").join("/")}`;
  if (params.length === 0) {
    return `export const title = ${JSON.stringify(title)};

export default function ${name}Page() {
  return () => (
    <main>
      <h1>${title}</h1>
    </main>
  );
}
`;
  }
  return `import { useParams } from "vango";

export const title = ${JSON.stringify(title)};

export default function ${name}Page() {
  const params = useParams<{ ${params.map((p) => `${p}: string`).join("; ")} }>();
  return () => (
    <main>
      <h1>${params.map((p) => `{params().${p}}`).join(" ")}</h1>
    </main>
  );
}
`;
}

function componentSource(name: string): string {
  const n = pascal(name);
  return `import { signal } from "vango";

export interface ${n}Props {
  readonly label: string;
}

/** @example <${n} label="Hello" /> */
export function ${n}(props: ${n}Props) {
  const open = signal(false);
  return () => (
    <section>
      <button type="button" aria-expanded={open()} onClick={() => open.set(!open())}>
        {props.label}
      </button>
      {open() ? <div>…</div> : null}
    </section>
  );
}
`;
}

const MIDDLEWARE_SOURCE = `import type { HttpMiddleware, PageEnter } from "vango/server";

/** Around every page request and form POST below this folder. */
export const http: HttpMiddleware = async (_ctx, next) => {
  await next();
};

/** Before a page below this folder is mounted (page requests and live navigation). */
export const enter: PageEnter = () => {};
`;

async function writeNew(file: string, text: string): Promise<void> {
  if (existsSync(file)) throw new CliError(CliErrorCode.file_exists, `${file} exists`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

/**
 * @example await gen(process.cwd(), "route", "items/[id]"); // app/routes/items/[id].tsx
 */
export async function gen(root: string, kind: GenKind, name: string): Promise<string> {
  const p = project(root);
  let file: string;
  let text: string;
  if (kind === "route") {
    const parts = checkPath("route", name);
    file = join(p.routesDir, ...parts.slice(0, -1), `${parts[parts.length - 1]}.tsx`);
    text = routeSource(parts);
  } else if (kind === "middleware") {
    const parts = name === "/" ? [] : checkPath("middleware", name);
    file = join(p.routesDir, ...parts, "_middleware.ts");
    text = MIDDLEWARE_SOURCE;
  } else {
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) {
      throw new CliError(
        CliErrorCode.usage,
        `component name ${JSON.stringify(name)}: letters, digits, -`,
      );
    }
    file = join(p.appDir, "components", `${kebab(name)}.tsx`);
    text = componentSource(name);
  }
  await writeNew(file, text);
  return relative(p.root, file);
}

/** A route key as a type: `/items/:id` → `` `/items/${string}` ``. */
function pathType(key: string): string {
  if (key === "/") return '"/"';
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of a template literal type
  const t = key.replace(/[:*][A-Za-z_$][\w$]*/g, "${string}");
  return t.includes("${") ? `\`${t}\`` : JSON.stringify(t);
}

function paramsType(key: string): string {
  const names = [...key.matchAll(/[:*]([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!);
  return names.length === 0 ? "{}" : `{ ${names.map((n) => `${n}: string`).join("; ")} }`;
}

/** The manifest's source for these routes (pages only: layouts and the like are not places). */
export function routesSource(routes: readonly RouteFile[]): string {
  const pages = routes.filter((r) => !/\/_(layout|middleware|404|error)$/.test(r.key));
  const keys = pages.map((r) => r.key);
  const union = (xs: string[]) => (xs.length === 0 ? "never" : xs.join(" | "));
  return `// Generated by \`vango gen routes\` from app/routes/: do not edit (run it again instead).
import { Link as VangoLink, type LinkProps, useNavigate } from "vango";

/** The app's routes as its file routes name them. */
export const ROUTES = [${keys.map((k) => JSON.stringify(k)).join(", ")}] as const;
export type Route = (typeof ROUTES)[number];

/** Each route's params. */
export interface RouteParams {
${keys.map((k) => `  ${JSON.stringify(k)}: ${paramsType(k)};`).join("\n")}
}

/** A path the app serves (with an optional query or fragment). */
export type Path = ${union(keys.map(pathType))};
export type Href = Path | \`\${Path}?\${string}\` | \`\${Path}#\${string}\`;

/**
 * The path of \`route\` with its params filled in (URL-encoded).
 * @example href("/items/:id", { id: "42" }) // "/items/42"
 */
export function href<R extends Route>(
  route: R,
  ...params: keyof RouteParams[R] extends never ? [] : [RouteParams[R]]
): Path {
  const values = (params[0] ?? {}) as Record<string, string>;
  return route.replace(/([:*])([A-Za-z_$][\\w$]*)/g, (_, kind: string, name: string) =>
    kind === "*"
      ? values[name]!.split("/").map(encodeURIComponent).join("/")
      : encodeURIComponent(values[name]!),
  ) as Path;
}

/** Props of the typed \`Link\`: vango's \`LinkProps\` with an \`href\` of this app. */
export type AppLinkProps = Omit<LinkProps, "href"> & { href: Href };

/** vango's \`<Link>\` (\`prefetch\` warms the route) whose \`href\` must be a path of this app. */
export const Link: (props: AppLinkProps) => ReturnType<typeof VangoLink> = VangoLink;

/** \`useNavigate()\` that takes only paths of this app. */
export function useTypedNavigate(): (to: Href, opts?: { replace?: boolean }) => void {
  return useNavigate();
}
`;
}

/**
 * Writes `app/routes.gen.tsx` (only when its text changes, so a watcher is not woken).
 * @example await genRoutes(process.cwd()) // "app/routes.gen.tsx"
 */
export async function genRoutes(root: string): Promise<string> {
  const p = project(root);
  const file = join(p.appDir, ROUTES_GEN_FILE);
  const text = routesSource(await scanRoutes(p.routesDir));
  const old = existsSync(file) ? await readFile(file, "utf8") : undefined;
  if (old !== text) await writeFile(file, text);
  return relative(p.root, file);
}

/** Rewrites the manifest if the app has one (`dev` and `build` keep it current). */
export async function refreshRoutesManifest(root: string): Promise<void> {
  if (existsSync(join(project(root).appDir, ROUTES_GEN_FILE))) await genRoutes(root);
}
