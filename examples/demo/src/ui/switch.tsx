// vango-ui switch 0.1.0 sha256-h+/0Uo64VKymPOCZ+rg/cEaU1xNYaeHEFkZKHLxsF3Y=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * Switch: an on/off control — a native checkbox with `role="switch"`, so it submits
 * like one (also without JavaScript) and Space toggles it; bound to a `useForm()` field
 * with `form` and `name`.
 * @example <Switch form={form} name="newsletter" label="Send me the newsletter" />
 */
import { type CheckboxProps, CheckControl } from "./checkbox.tsx";

export type SwitchProps = CheckboxProps;

export function Switch(props: SwitchProps) {
  return () => CheckControl(props, "vui-switch", "switch");
}
