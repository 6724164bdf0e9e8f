/**
 * Input: a text-like `<input>` with an optional label, description and error; bound to
 * a `useForm()` field with `form` and `name`.
 * @example
 * const form = useForm({ schema: Signup });
 * <Input form={form} name="email" type="email" label="Email" description="We never share it." />
 */
import type { JSX } from "vango";
import { cn } from "./cn.ts";
import { FieldFrame, type FieldOptions, fieldState, needsFrame } from "./field.tsx";
import type { Size } from "./variants.ts";

export type InputProps = Omit<JSX.IntrinsicElements["input"], "form" | "size"> &
  FieldOptions & { size?: Size; wrapperClass?: string };

export function Input(props: InputProps) {
  // A render function: the form's value and errors are read (tracked) here.
  return () => {
    const {
      form,
      name,
      label,
      description,
      error,
      required,
      size = "md",
      class: cls,
      wrapperClass,
      ...rest
    } = props;
    const state = fieldState(props, rest.id, rest["aria-describedby"]);
    const bound = form !== undefined && name !== undefined ? form.field(name) : undefined;
    const control = (
      <input
        {...rest}
        {...bound}
        name={name}
        id={state.id}
        required={required}
        class={cn("vui-input", `vui-input--${size}`, cls)}
        aria-invalid={state.error === undefined ? rest["aria-invalid"] : "true"}
        aria-describedby={state.describedBy}
      />
    );
    if (!needsFrame(props)) return control;
    return (
      <FieldFrame state={state} options={props} class={wrapperClass}>
        {control}
      </FieldFrame>
    );
  };
}
