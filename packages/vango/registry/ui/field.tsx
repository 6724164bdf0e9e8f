/**
 * The frame every VangoUI form control shares: a label, the control, a description and
 * the error message, tied together with ids (`for`, `aria-describedby`) and
 * `aria-invalid`. With a `useForm` form and a field `name`, the control takes the
 * form's value, handlers and errors; without, `error` shows a message given by the page.
 */
import type { Form, VChild } from "vango";
import { ids } from "./cn.ts";
import { Label } from "./label.tsx";

/** What every form control of VangoUI takes besides its element's attributes. */
export interface FieldOptions {
  /** A `useForm()` form: the control binds to its field `name` (value, handlers, errors). */
  form?: Form;
  name?: string;
  label?: VChild;
  /** Help text under the control, read after the label. */
  description?: VChild;
  /** An error to show (wins over the form's own). */
  error?: string;
  /** Marks the label; also sets `required` on the control. */
  required?: boolean;
}

/** The ids and error of one rendered field. */
export interface FieldState {
  readonly id: string | undefined;
  readonly error: string | undefined;
  readonly descriptionId: string | undefined;
  readonly errorId: string | undefined;
  /** The description's and the error's ids, after any the caller gave. */
  readonly describedBy: string | undefined;
}

/**
 * Works out a field's ids and error: the control's id is `id` when given, else the
 * form's (`<form id>-<name>`), else one made from `name`; the description and error
 * ids derive from it (the error's is the form's `errorId`, which the form's own
 * `aria-describedby` names too).
 */
export function fieldState(o: FieldOptions, id: unknown, callerDescribedBy: unknown): FieldState {
  const { form, name } = o;
  const controlId =
    typeof id === "string"
      ? id
      : name === undefined
        ? undefined
        : form !== undefined
          ? form.fieldId(name)
          : `field-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  const error =
    o.error ?? (form !== undefined && name !== undefined ? form.error(name) : undefined);
  const descriptionId =
    o.description === undefined || controlId === undefined ? undefined : `${controlId}-description`;
  const errorId =
    error === undefined
      ? undefined
      : form !== undefined && name !== undefined
        ? form.errorId(name)
        : `${controlId ?? "field"}-error`;
  return {
    id: controlId,
    error,
    descriptionId,
    errorId,
    describedBy: ids(
      typeof callerDescribedBy === "string" ? callerDescribedBy : undefined,
      descriptionId,
      errorId,
    ),
  };
}

/** Whether the control needs the frame (a label, help, an error, or a form binding). */
export function needsFrame(o: FieldOptions): boolean {
  return (
    o.label !== undefined || o.description !== undefined || o.form !== undefined || "error" in o
  );
}

export interface FieldFrameProps {
  readonly state: FieldState;
  readonly options: FieldOptions;
  /** `inline`: the label after the control (checkbox, switch). */
  readonly layout?: "stack" | "inline";
  readonly class?: string | undefined;
  readonly children?: VChild;
}

/** Label, control, description and error in the order they are read. */
export function FieldFrame(props: FieldFrameProps) {
  const { state, options } = props;
  const label =
    options.label === undefined ? null : (
      <Label for={state.id} required={options.required}>
        {options.label}
      </Label>
    );
  return (
    <div class={["vui-field", props.class]}>
      {props.layout === "inline" ? (
        <div class="vui-check">
          {props.children}
          {label}
        </div>
      ) : (
        [label, props.children]
      )}
      {options.description !== undefined && (
        <p id={state.descriptionId} class="vui-field__description">
          {options.description}
        </p>
      )}
      {state.error !== undefined && (
        <p id={state.errorId} class="vui-field__error">
          {state.error}
        </p>
      )}
    </div>
  );
}
