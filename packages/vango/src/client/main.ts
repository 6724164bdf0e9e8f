/**
 * Browser entry (bundled to one IIFE): reads the `#vango-boot` JSON, starts the live
 * client and exposes a small handle as `window.__vango` (status, seq, socket, hook).
 *
 * A page whose boot data names another protocol version than this client's is stale (a
 * cached page after a deploy): it is reloaded once instead of connected. The version
 * tried is kept in `sessionStorage`, so a page that is still stale after the reload
 * stays static rather than reloading in a loop.
 */
import { PROTOCOL_VERSION } from "../protocol/constants.ts";
import { BOOT_ID } from "../protocol/dom-attrs.ts";
import { type Boot, startClient, type VangoClient } from "./client.ts";

declare global {
  interface Window {
    __vango?: VangoClient;
  }
}

/** `sessionStorage` key: the stale boot version a reload was already tried for. */
const STALE_KEY = "vango:stale";

const boot = (): void => {
  const data = document.getElementById(BOOT_ID);
  if (!data || window.__vango) return;
  const b: Boot = JSON.parse(data.textContent!);
  if (b.v === PROTOCOL_VERSION) window.__vango = startClient(document, b);
  else {
    // Touched only here: where storage is blocked this throws, leaving the page static.
    const store = sessionStorage;
    const v = "" + b.v;
    if (store.getItem(STALE_KEY) !== v) {
      store.setItem(STALE_KEY, v);
      location.reload();
    }
  }
};

// The script is `defer`red (DOM parsed); also works when included without it.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
