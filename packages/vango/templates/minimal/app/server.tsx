import type { AppSetup } from "vango/server";

/** More `createApp` options on top of the CLI's (routes, public/, state, secret). */
const setup: AppSetup = (options) => ({
  ...options,
  head: (
    <>
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/style.css" />
    </>
  ),
});

export default setup;
