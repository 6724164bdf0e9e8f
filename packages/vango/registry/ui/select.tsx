/**
 * Select: a native `<select>` — the platform's own listbox, fully keyboard-usable
 * (arrows, type-ahead, Enter/Space/Alt+Down to open) and submitted without JavaScript —
 * with an optional label, description and error; bound to a `useForm()` field with
 * `form` and `name` (the chosen option is marked `selected`, so the server's HTML
 * already shows it).
 * @example
 * <Select form={form} name="plan" label="Plan" placeholder="Choose a plan"
 *   options={[{ value: "free", label: "Free" }, { value: "pro", label: "Pro" }]} />
 */
import type { JSX, VChild } from "vango";
import { cn } from "./cn.ts";
import { FieldFrame, type FieldOptions, fieldState, needsFrame } from "./field.tsx";
import type { Size } from "./variants.ts";

export interface SelectOption {
  readonly value: string;
  readonly label: VChild;
  readonly disabled?: boolean;
}

export type SelectProps = Omit<JSX.IntrinsicElements["select"], "form" | "size" | "children"> &
  FieldOptions & {
    options: readonly SelectOption[];
    /** A first, empty option (value ""), shown until one is chosen. */
    placeholder?: string;
    /** Without a form: the chosen value. */
    value?: string;
    size?: Size;
    wrapperClass?: string;
  };

export function Select(props: SelectProps) {
  // A render function: the form's value and errors are read (tracked) here.
  return () => {
    const {
      form,
      name,
      label,
      description,
      error,
      required,
      options,
      placeholder,
      value,
      size = "md",
      class: cls,
      wrapperClass,
      ...rest
    } = props;
    const state = fieldState(props, rest.id, rest["aria-describedby"]);
    const bound = form !== undefined && name !== undefined ? form.field(name) : undefined;
    const chosen = bound === undefined ? value : bound.value;
    const control = (
      <select
        {...rest}
        onInput={bound?.onInput ?? rest.onInput}
        onBlur={bound?.onBlur ?? rest.onBlur}
        name={name}
        id={state.id}
        required={required}
        class={cn("vui-select", `vui-select--${size}`, cls)}
        aria-invalid={state.error === undefined ? rest["aria-invalid"] : "true"}
        aria-describedby={state.describedBy}
      >
        {placeholder !== undefined && (
          <option value="" selected={chosen === undefined || chosen === ""}>
            {placeholder}
          </option>
        )}
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={chosen === o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    );
    if (!needsFrame(props)) return control;
    return (
      <FieldFrame state={state} options={props} class={wrapperClass}>
        {control}
      </FieldFrame>
    );
  };
}
