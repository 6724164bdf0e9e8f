/**
 * The demo's `createApp` options shared by `main.tsx` and the browser tests: the file
 * routes, the `public/` folder (favicon, stylesheet) and the page head that links them.
 */
import { fileURLToPath } from "node:url";
import { type AppOptions, fileRoutes } from "vango/server";

/** Absolute path of the demo's static files. */
export const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

/** The demo's pages: the files under `src/routes/`. */
export const ROUTES_DIR = fileURLToPath(new URL("./routes/", import.meta.url));

/**
 * @example const app = createApp({ ...(await demoOptions()), devMode: true });
 */
export async function demoOptions(): Promise<AppOptions> {
  return {
    routes: await fileRoutes(ROUTES_DIR),
    title: "Vango demo",
    service: "vango-demo",
    publicDir: { dir: PUBLIC_DIR, cacheControl: "public, max-age=3600" },
    head: (
      <>
        <link rel="icon" href="/favicon.ico" sizes="16x16" />
        <link rel="stylesheet" href="/style.css" />
      </>
    ),
  };
}
