/**
 * Browser entry (bundled to one IIFE): reads the `#vango-boot` JSON, starts the live
 * client and exposes a small handle as `window.__vango` (status, seq, socket, hook).
 */
import { startClient, type VangoClient } from "./client.ts";

declare global {
  interface Window {
    __vango?: VangoClient;
  }
}

const boot = (): void => {
  const data = document.getElementById("vango-boot");
  if (data && !window.__vango)
    window.__vango = startClient(document, JSON.parse(data.textContent!));
};

// The script is `defer`red (DOM parsed); also works when included without it.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
