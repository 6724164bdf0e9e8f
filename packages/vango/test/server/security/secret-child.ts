/** Child of secret.test.ts: resolves the secret in `<dir>` as a fresh process and prints it. */
import { resolveSecret } from "../../../src/server/security/secret.ts";

const dir = process.argv[2];
if (dir !== undefined) {
  const r = await resolveSecret({ dir, env: {} });
  process.stdout.write(JSON.stringify(r));
}
