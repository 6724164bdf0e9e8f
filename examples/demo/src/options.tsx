/**
 * The demo's `createApp` options shared by `main.tsx` and the browser tests: routes,
 * the `public/` folder (favicon, stylesheet) and the page head that links them.
 */
import { fileURLToPath } from "node:url";
import type { AppOptions } from "vango/server";
import { routes } from "./app.tsx";

/** Absolute path of the demo's static files. */
export const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

/**
 * @example const app = createApp({ ...demoOptions(), devMode: true });
 */
export function demoOptions(): AppOptions {
  return {
    routes,
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
