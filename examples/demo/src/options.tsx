/**
 * The demo's `createApp` options shared by `main.tsx` and the browser tests: the file
 * routes, the `public/` folder (favicon, stylesheet), the page head that links them, and
 * sign-in (`auth.wire`) — by default with in-memory stores, as the tests run it.
 */
import { fileURLToPath } from "node:url";
import { type AppOptions, type Auth, fileRoutes } from "vango/server";
import { demoAuth } from "./auth.ts";

/** Absolute path of the demo's static files. */
export const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

/** The demo's pages: the files under `src/routes/`. */
export const ROUTES_DIR = fileURLToPath(new URL("./routes/", import.meta.url));

/** The demo's client hooks and islands (`*.client.ts`), bundled into on-demand chunks. */
export const CLIENT_DIR = fileURLToPath(new URL("./client/", import.meta.url));

/** What `main.tsx` adds: its auth (on the real backends) and more app options. */
export interface DemoSetup {
  /** Default: the demo auth on in-memory stores. */
  readonly auth?: Auth;
  /** Options on top of the demo's (auth is wired into the result). */
  readonly app?: Partial<AppOptions>;
}

/**
 * @example const app = createApp({ ...(await demoOptions()), devMode: true });
 */
export async function demoOptions(setup: DemoSetup = {}): Promise<AppOptions> {
  const auth = setup.auth ?? (await demoAuth({ NODE_ENV: process.env.NODE_ENV }));
  return auth.wire({
    routes: await fileRoutes(ROUTES_DIR),
    title: "Vango demo",
    service: "vango-demo",
    clientDir: CLIENT_DIR,
    publicDir: { dir: PUBLIC_DIR, cacheControl: "public, max-age=3600" },
    head: (
      <>
        <link rel="icon" href="/favicon.ico" sizes="16x16" />
        <link rel="stylesheet" href="/style.css" />
      </>
    ),
    ...setup.app,
  });
}
