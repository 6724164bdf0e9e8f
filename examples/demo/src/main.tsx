/**
 * The demo server: `npm start` → http://127.0.0.1:${PORT:-3000}.
 */
import { createApp } from "vango/server";
import { routes } from "./app.tsx";

const port = Number(process.env.PORT ?? 3000);
const app = createApp({ routes, title: "Vango demo" });
const listening = await app.listen(port, "127.0.0.1");
console.log(`Vango demo on http://127.0.0.1:${listening.port}`);

const shutdown = async () => {
  await listening.close();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
