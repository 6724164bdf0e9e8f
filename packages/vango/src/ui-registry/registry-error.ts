/**
 * Coded errors of the VangoUI registry (what `vango add` runs on). Match on `code`,
 * never on the message.
 */
import { createError } from "../errors/create-error.ts";

/** Codes a {@link UiRegistryError} can carry. */
export const UiRegistryErrorCode = {
  /** A name that is not a registry item (`vango add list` shows them). */
  unknownComponent: "ui_unknown_component",
  /** The app has no `vango-ui.json`: run `vango add init` first. */
  notInitialised: "ui_not_initialised",
  /** `vango-ui.json` is not JSON, or its `dir`/`css` are not relative paths inside the app. */
  configInvalid: "ui_config_invalid",
  /** The registry shipped with Vango is broken (a missing file, a dependency cycle). */
  registryInvalid: "ui_registry_invalid",
  /**
   * `vango add` or `upgrade` kept files it would have written: changed since they were
   * copied, or the app's own (no VangoUI header). Everything else was done.
   */
  changedLocally: "ui_changed_locally",
  /** `vango add --check`: some copies are not current (outdated, changed, foreign, missing). */
  notCurrent: "ui_not_current",
} as const;
export type UiRegistryErrorCode = (typeof UiRegistryErrorCode)[keyof typeof UiRegistryErrorCode];

/**
 * @example
 * try { resolveItems(registry, ["buton"]) } catch (e) { if (e instanceof UiRegistryError) console.error(e.code) }
 */
export const UiRegistryError = createError<UiRegistryErrorCode>("UiRegistryError", 400);
export type UiRegistryError = InstanceType<typeof UiRegistryError>;
