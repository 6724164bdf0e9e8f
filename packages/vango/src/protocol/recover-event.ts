/**
 * The custom event the form recovery chunk sends on a form whose controls are not the
 * ones it recorded (rows added to or removed from a form array before a reload): its
 * detail is the form's recorded `[name, value]` pairs, and `useForm`'s form props listen
 * to it. Kept apart from `dom-attrs.ts`, which the core client bundles: the core client
 * never sends it.
 */
export const RECOVER_EVENT = "formrecover";
