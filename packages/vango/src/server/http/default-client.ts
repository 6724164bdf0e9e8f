/**
 * The bundled browser client, built on first use (esbuild is loaded only then, so apps
 * that pass their own `clientBuilder`, and tests, never load it).
 */
import type { ClientBundle } from "./client-asset.ts";

export async function defaultClientBuilder(minify: boolean): Promise<ClientBundle> {
  const { buildClient } = await import("../../client/build.ts");
  return buildClient({ minify });
}
