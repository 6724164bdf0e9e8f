// vango-ui checkbox 0.1.0 sha256-/QFzQkUeA4QbqJZj2dLrnFC3BV5qW3+5WwRKIMtzCNw=
// Added by `vango add`: yours to edit. `vango add --check` lists changed files; `vango add upgrade` never overwrites them.
/**
 * Checkbox: a native `<input type="checkbox">` with its label after it, an optional
 * description and error; bound to a `useForm()` field with `form` and `name` (one box,
 * or with `value` one box of a group submitted as `name[]`).
 * @example <Checkbox form={form} name="terms" label="I accept the terms" />
 */
import type { JSX } from "vango";
import { cn } from "./cn.ts";
import { FieldFrame, type FieldOptions, fieldState, needsFrame } from "./field.tsx";

export type CheckboxProps = Omit<JSX.IntrinsicElements["input"], "form" | "type" | "value"> &
  FieldOptions & { value?: string; wrapperClass?: string };

export function Checkbox(props: CheckboxProps) {
  // A render function: the form's value and errors are read (tracked) there.
  return () => CheckControl(props, "vui-checkbox", undefined);
}

/** The markup Checkbox and Switch share; `role` makes a switch of it. */
export function CheckControl(props: CheckboxProps, base: string, role: "switch" | undefined) {
  const {
    form,
    name,
    label,
    description,
    error,
    required,
    class: cls,
    wrapperClass,
    value,
    ...rest
  } = props;
  const bound = form !== undefined && name !== undefined ? form.checkbox(name, value) : undefined;
  const state = fieldState(props, bound?.id ?? rest.id, rest["aria-describedby"]);
  const control = (
    <input
      {...rest}
      {...bound}
      type="checkbox"
      role={role}
      name={bound?.name ?? name}
      value={bound?.value ?? value}
      id={state.id}
      required={required}
      class={cn(base, cls)}
      aria-invalid={state.error === undefined ? rest["aria-invalid"] : "true"}
      aria-describedby={state.describedBy}
    />
  );
  if (!needsFrame(props)) return control;
  return (
    <FieldFrame state={state} options={props} layout="inline" class={wrapperClass}>
      {control}
    </FieldFrame>
  );
}
