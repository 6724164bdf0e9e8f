/**
 * Textarea: a multi-line `<textarea>` with an optional label, description and error;
 * bound to a `useForm()` field with `form` and `name`.
 * @example <Textarea form={form} name="bio" label="Bio" rows={4} />
 */
import type { JSX } from "vango";
import { cn } from "./cn.ts";
import { FieldFrame, type FieldOptions, fieldState, needsFrame } from "./field.tsx";

export type TextareaProps = Omit<JSX.IntrinsicElements["textarea"], "form"> &
  FieldOptions & { wrapperClass?: string };

export function Textarea(props: TextareaProps) {
  // A render function: the form's value and errors are read (tracked) here.
  return () => {
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
      children,
      ...rest
    } = props;
    const state = fieldState(props, rest.id, rest["aria-describedby"]);
    const bound = form !== undefined && name !== undefined ? form.field(name) : undefined;
    const { value: boundValue, ...handlers } = bound ?? { value: undefined };
    const text = boundValue ?? value;
    const control = (
      <textarea
        {...rest}
        {...handlers}
        name={name}
        id={state.id}
        required={required}
        class={cn("vui-textarea", cls)}
        aria-invalid={state.error === undefined ? rest["aria-invalid"] : "true"}
        aria-describedby={state.describedBy}
        value={text}
      >
        {text === undefined ? children : null}
      </textarea>
    );
    if (!needsFrame(props)) return control;
    return (
      <FieldFrame state={state} options={props} class={wrapperClass}>
        {control}
      </FieldFrame>
    );
  };
}
