import { type AppSetup, loadMigrations, runMigrations } from "vango/server";
import { appAuth } from "./auth.ts";
import { pool } from "./db.ts";

/** Migrates the database, wires sign-in, and closes both at shutdown. */
const setup: AppSetup = async (options) => {
  await runMigrations(
    pool,
    await loadMigrations(new URL("../migrations", import.meta.url).pathname),
  );
  const auth = await appAuth();
  return {
    options: auth.wire({
      ...options,
      head: (
        <>
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/style.css" />
        </>
      ),
      health: { checks: { postgres: pool } },
    }),
    created: (app) => auth.attach(app),
    close: async () => {
      await auth.close();
      await pool.end();
    },
  };
};

export default setup;
