import { useForm } from "vango";
import { z } from "zod";
import { Button } from "../../ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../ui/card.tsx";
import { Checkbox } from "../../ui/checkbox.tsx";
import { Input } from "../../ui/input.tsx";
import { Select } from "../../ui/select.tsx";
import { Switch } from "../../ui/switch.tsx";
import { Textarea } from "../../ui/textarea.tsx";
import type { Toasts } from "../../ui/toast.tsx";

const Signup = z.object({
  email: z.string({ message: "Enter an email address" }).email("Enter an email address"),
  plan: z.enum(["hobby", "team", "enterprise"], { message: "Choose a plan" }),
  bio: z.string().max(140, "At most 140 characters").optional(),
  terms: z.literal("on", { message: "Accept the terms to continue" }),
  news: z.string().optional(),
});

/** The form controls bound to one `useForm`: errors show on blur and on submit. */
export function SignupCard(props: { toasts: Toasts }) {
  const form = useForm({
    schema: Signup,
    id: "signup",
    initial: { news: "on" },
    onSubmit: (v, f) => {
      props.toasts.show({ title: "Signed up", description: `${v.email} on the ${v.plan} plan` });
      f.reset();
    },
  });
  return () => (
    <Card>
      <CardHeader>
        <CardTitle>Form controls</CardTitle>
        <CardDescription>
          Input, Textarea, Select, Checkbox and Switch bound to useForm.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {/* novalidate: the server's messages (the schema's) show, the same with JS off. */}
        <form {...form.props()} novalidate class="ui-form" data-testid="signup-form">
          <Input
            form={form}
            name="email"
            type="email"
            label="Email"
            required
            autocomplete="email"
            description="We only write about your account."
          />
          <Select
            form={form}
            name="plan"
            label="Plan"
            required
            placeholder="Choose a plan…"
            options={[
              { value: "hobby", label: "Hobby" },
              { value: "team", label: "Team" },
              { value: "enterprise", label: "Enterprise (sold out)", disabled: true },
            ]}
          />
          <Textarea form={form} name="bio" label="About you" rows={3} />
          <Checkbox form={form} name="terms" label="I accept the terms" required />
          <Switch form={form} name="news" label="Monthly newsletter" />
          <div class="ui-row">
            <Button type="submit" loading={form.submitting()}>
              Sign up
            </Button>
            <Button variant="ghost" onClick={() => form.reset()}>
              Reset
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
