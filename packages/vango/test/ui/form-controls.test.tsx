/**
 * VangoUI's form controls bound to `useForm` in a live session: label, description and
 * error tied to the control by ids, `aria-invalid` / `aria-describedby` following the
 * form's errors, values and checks flowing back into the form; and the same controls
 * standalone.
 */
import { useForm } from "vango";
import { EventType } from "vango/protocol";
import { mountTest } from "vango/testing";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { Checkbox } from "../../registry/ui/checkbox.tsx";
import { Input } from "../../registry/ui/input.tsx";
import { Select } from "../../registry/ui/select.tsx";
import { Switch } from "../../registry/ui/switch.tsx";
import { Textarea } from "../../registry/ui/textarea.tsx";

const Signup = z.object({
  email: z.string({ message: "Enter an email address" }).email("Enter an email address"),
  bio: z.string().max(10, "At most 10 characters"),
  plan: z.enum(["free", "pro"], { message: "Choose a plan" }),
  terms: z.literal("on", { message: "Accept the terms" }),
  news: z.string().optional(),
});

const strip = (s: string) =>
  s.replace(/ data-hid="\d+"/g, "").replace(/ name="_csrf" value="[\w-]+"/, ' name="_csrf"');

function SignupForm() {
  const form = useForm({ schema: Signup, id: "su", initial: { news: "on" } });
  return () => (
    <form {...form.props()}>
      <Input form={form} name="email" type="email" label="Email" description="Work address" />
      <Textarea form={form} name="bio" label="Bio" />
      <Select
        form={form}
        name="plan"
        label="Plan"
        placeholder="Choose…"
        options={[
          { value: "free", label: "Free" },
          { value: "pro", label: "Pro" },
        ]}
      />
      <Checkbox form={form} name="terms" label="I accept the terms" required />
      <Switch form={form} name="news" label="Newsletter" />
      <p id="valid">{form.valid() ? "valid" : "invalid"}</p>
    </form>
  );
}

describe("bound to useForm", () => {
  test("server-rendered: labels for the controls, description linked, no error before touch", () => {
    const t = mountTest(SignupForm);
    expect(strip(t.html())).toBe(
      '<form id="su" method="post" data-on="submit,formrecover">' +
        '<div class="vui-field"><label for="su-email" class="vui-label">Email</label>' +
        '<input type="email" id="su-email" name="email" value="" aria-describedby="su-email-description" class="vui-input vui-input--md" data-on="input,blur">' +
        '<p id="su-email-description" class="vui-field__description">Work address</p></div>' +
        '<div class="vui-field"><label for="su-bio" class="vui-label">Bio</label>' +
        '<textarea id="su-bio" name="bio" class="vui-textarea" data-on="input,blur"></textarea></div>' +
        '<div class="vui-field"><label for="su-plan" class="vui-label">Plan</label>' +
        '<select name="plan" id="su-plan" class="vui-select vui-select--md" data-on="input,blur">' +
        '<option value="" selected="">Choose…</option><option value="free">Free</option><option value="pro">Pro</option></select></div>' +
        '<div class="vui-field"><div class="vui-check">' +
        '<input type="checkbox" id="su-terms" name="terms" value="on" required="" class="vui-checkbox" data-on="change">' +
        '<label for="su-terms" class="vui-label">I accept the terms<span class="vui-required" aria-hidden="true">*</span></label></div></div>' +
        '<div class="vui-field"><div class="vui-check">' +
        '<input type="checkbox" id="su-news" name="news" value="on" checked="" role="switch" class="vui-switch" data-on="change">' +
        '<label for="su-news" class="vui-label">Newsletter</label></div></div>' +
        '<p id="valid">invalid</p><input type="hidden" name="_csrf"></form>',
    );
    t.dispose();
  });

  test("an error shows once the field is touched: aria-invalid, described by description and error", async () => {
    const t = mountTest(SignupForm);
    await t.input("#su-email", "nope");
    expect(t.find("#su-email").attrs["aria-invalid"]).toBeUndefined();
    await t.fire(t.find("#su-email").hid, { type: EventType.Blur });
    const email = t.find("#su-email");
    expect(email.attrs["aria-invalid"]).toBe("true");
    expect(email.attrs["aria-describedby"]).toBe("su-email-description su-email-error");
    expect(strip(t.html())).toContain(
      '<p id="su-email-error" class="vui-field__error">Enter an email address</p>',
    );
    // Fixing it removes the error, its id from aria-describedby, and aria-invalid.
    await t.input("#su-email", "ada@example.com");
    expect(t.find("#su-email").attrs["aria-invalid"]).toBeUndefined();
    expect(t.find("#su-email").attrs["aria-describedby"]).toBe("su-email-description");
    expect(t.findAll("#su-email-error")).toEqual([]);
    t.dispose();
  });

  test("a submit shows every error; choosing, checking and typing clear them", async () => {
    const t = mountTest(SignupForm);
    await t.submit("form", { email: "", bio: "far too long a bio", plan: "" });
    expect(
      t
        .findAll(".vui-field__error")
        .map((e) => [e.attrs.id, (e.children[0] as { text: string }).text]),
    ).toEqual([
      ["su-email-error", "Enter an email address"],
      ["su-bio-error", "At most 10 characters"],
      ["su-plan-error", "Choose a plan"],
      ["su-terms-error", "Accept the terms"],
    ]);
    for (const id of ["#su-bio", "#su-plan", "#su-terms"]) {
      expect(t.find(id).attrs["aria-invalid"]).toBe("true");
      expect(t.find(id).attrs["aria-describedby"]).toBe(`${id.slice(1)}-error`);
    }
    await t.input("#su-email", "ada@example.com");
    await t.input("#su-bio", "Hi");
    await t.input("#su-plan", "pro");
    await t.change("#su-terms", "on", true);
    expect(t.findAll(".vui-field__error")).toEqual([]);
    expect(t.find("#su-plan option[value=pro]").attrs.selected).toBe("");
    expect(t.find('#su-plan option[value=""]').attrs.selected).toBeUndefined();
    expect(t.find("#su-terms").attrs.checked).toBe("");
    expect(t.find("#su-bio").attrs.value).toBe("Hi");
    expect(strip(t.html())).toContain('<p id="valid">valid</p>');
    // The switch turns the optional field off and on.
    await t.change("#su-news", "", false);
    expect(t.find("#su-news").attrs.checked).toBeUndefined();
    t.dispose();
  });
});

describe("standalone", () => {
  test("a bare control without label, description or form", () => {
    const t = mountTest(() => <Input id="q" type="search" aria-label="Search" size="sm" />);
    expect(strip(t.html())).toBe(
      '<input id="q" type="search" aria-label="Search" class="vui-input vui-input--sm">',
    );
    t.dispose();
  });

  test("an error given by the page: the frame, aria-invalid and the message's id", () => {
    const t = mountTest(() => (
      <Select
        id="size"
        name="size"
        label="Size"
        value="m"
        error="Out of stock"
        options={[
          { value: "s", label: "S" },
          { value: "m", label: "M", disabled: true },
        ]}
      />
    ));
    expect(strip(t.html())).toBe(
      '<div class="vui-field"><label for="size" class="vui-label">Size</label>' +
        '<select id="size" name="size" class="vui-select vui-select--md" aria-invalid="true" aria-describedby="size-error">' +
        '<option value="s">S</option><option value="m" selected="" disabled="">M</option></select>' +
        '<p id="size-error" class="vui-field__error">Out of stock</p></div>',
    );
    t.dispose();
  });

  test("checkbox with a description; textarea with a value", () => {
    const t = mountTest(() => (
      <div>
        <Checkbox id="c" name="c" label="Remember me" description="For 30 days" checked />
        <Textarea id="note" aria-label="Note" value="hello" />
      </div>
    ));
    expect(strip(t.html())).toBe(
      '<div><div class="vui-field"><div class="vui-check">' +
        '<input id="c" checked="" type="checkbox" name="c" class="vui-checkbox" aria-describedby="c-description">' +
        '<label for="c" class="vui-label">Remember me</label></div>' +
        '<p id="c-description" class="vui-field__description">For 30 days</p></div>' +
        '<textarea id="note" aria-label="Note" class="vui-textarea">hello</textarea></div>',
    );
    t.dispose();
  });
});
