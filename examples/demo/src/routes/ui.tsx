import { signal } from "vango";
import { type Element, queryElements } from "../components/ui-demo/elements.ts";
import { OverlaysCard } from "../components/ui-demo/overlays-card.tsx";
import { SignupCard } from "../components/ui-demo/signup-card.tsx";
import { Accordion } from "../ui/accordion.tsx";
import { Avatar } from "../ui/avatar.tsx";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx";
import { DataTable } from "../ui/data-table.tsx";
import { Progress } from "../ui/progress.tsx";
import { Separator } from "../ui/separator.tsx";
import { Skeleton } from "../ui/skeleton.tsx";
import { Tabs } from "../ui/tabs.tsx";
import { createToasts, Toaster } from "../ui/toast.tsx";
import type { Size, Variant } from "../ui/variants.ts";

export const title = "VangoUI";

const VARIANTS: readonly Variant[] = ["primary", "secondary", "outline", "ghost", "destructive"];
const SIZES: readonly Size[] = ["sm", "md", "lg"];

/**
 * `/ui`: every VangoUI component in its states. The components are the app's own copies
 * under `src/ui/` (added with `vango add`); the theme switch in the header shows them
 * light and dark.
 */
export default function UiPage() {
  const toasts = createToasts();
  const progress = signal(40);
  const saving = signal(false);
  return () => (
    <div class="vui-theme ui-page">
      <h2 class="page-title">VangoUI</h2>
      <p>
        Server-rendered, accessible components: the markup and state live on the server; the browser
        only applies patches.
      </p>

      <Card>
        <CardHeader>
          <CardTitle>Buttons</CardTitle>
          <CardDescription>Every variant and size; disabled and loading.</CardDescription>
        </CardHeader>
        <CardContent class="ui-stack">
          {SIZES.map((size) => (
            <div class="ui-row" key={size}>
              {VARIANTS.map((variant) => (
                <Button key={variant} variant={variant} size={size}>
                  {variant} {size}
                </Button>
              ))}
            </div>
          ))}
          <div class="ui-row">
            <Button disabled>Disabled</Button>
            <Button
              variant="secondary"
              loading={saving()}
              data-testid="button-loading"
              onClick={() => {
                saving.set(true);
                setTimeout(() => saving.set(false), 800);
              }}
            >
              {saving() ? "Saving…" : "Save (loads 0.8 s)"}
            </Button>
          </div>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Badges, avatars, separators, skeletons, progress</CardTitle>
        </CardHeader>
        <CardContent class="ui-stack">
          <div class="ui-row">
            <Badge>Primary</Badge>
            <Badge variant="secondary">Secondary</Badge>
            <Badge variant="outline">Outline</Badge>
            <Badge variant="destructive">Destructive</Badge>
          </div>
          <Separator />
          <div class="ui-row">
            <Avatar name="Ada Lovelace" size="sm" />
            <Avatar name="Grace Hopper" />
            <Avatar name="Alan Turing" size="lg" />
            <Avatar name="Vango" src="/favicon.ico" />
            <Separator orientation="vertical" decorative={false} />
            <span>A vertical separator sits left of this text.</span>
          </div>
          <Separator />
          <div class="ui-row" aria-busy="true">
            <span class="vui-sr-only">Loading example…</span>
            <Skeleton width="2.5rem" height="2.5rem" style="border-radius:50%" />
            <div class="ui-stack">
              <Skeleton width="12rem" />
              <Skeleton width="8rem" />
            </div>
          </div>
          <Separator />
          <Progress label="Upload" value={progress()} id="ui-progress" />
          <div class="ui-row">
            <Button
              variant="outline"
              size="sm"
              data-testid="progress-less"
              onClick={() => progress.set(Math.max(0, progress() - 20))}
            >
              −20
            </Button>
            <Button
              variant="outline"
              size="sm"
              data-testid="progress-more"
              onClick={() => progress.set(Math.min(100, progress() + 20))}
            >
              +20
            </Button>
            <span data-testid="progress-value">{progress()}%</span>
          </div>
          <Progress label="Indexing (unknown length)" />
        </CardContent>
      </Card>

      <SignupCard toasts={toasts} />

      <OverlaysCard />

      <Card>
        <CardHeader>
          <CardTitle>Tabs and accordion</CardTitle>
          <CardDescription>
            Focus the tab list, or an accordion header, then use the arrow keys, Home and End.
          </CardDescription>
        </CardHeader>
        <CardContent class="ui-stack">
          <Tabs
            id="ui-tabs"
            label="Account settings"
            items={[
              { value: "account", label: "Account", content: <p>Your name and email.</p> },
              { value: "password", label: "Password", content: <p>Change your password.</p> },
              { value: "legacy", label: "Legacy", content: <p>Gone.</p>, disabled: true },
              { value: "billing", label: "Billing", content: <p>Invoices and cards.</p> },
            ]}
          />
          <Accordion
            id="ui-faq"
            headingLevel={4}
            defaultOpen={["what"]}
            items={[
              {
                value: "what",
                title: "What is VangoUI?",
                content: <p>Components copied into your app by the CLI: you own the code.</p>,
              },
              {
                value: "js",
                title: "Does it need client JavaScript?",
                content: (
                  <p>
                    Only the few behaviours a browser must run, loaded on demand: see the{" "}
                    <a href="/widgets">client hooks at work</a>.
                  </p>
                ),
              },
              {
                value: "style",
                title: "How is it styled?",
                content: <p>One stylesheet with CSS variables; Tailwind is optional.</p>,
              },
            ]}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Data table</CardTitle>
          <CardDescription>Sorting, filtering and paging run on the server.</CardDescription>
        </CardHeader>
        <CardContent>
          <DataTable<Element>
            id="elements"
            caption="Chemical elements"
            pageSize={6}
            rowKey={(e) => e.number}
            defaultSort={{ key: "number" }}
            filterLabel="Filter elements"
            columns={[
              { key: "number", header: "No.", sortable: true, align: "end" },
              { key: "symbol", header: "Symbol", cell: (e) => <code>{e.symbol}</code> },
              { key: "name", header: "Name", sortable: true },
              {
                key: "group",
                header: "Group",
                sortable: true,
                cell: (e) => <Badge variant="outline">{e.group}</Badge>,
              },
            ]}
            fetch={queryElements}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Toasts</CardTitle>
        </CardHeader>
        <CardContent class="ui-row">
          <Button
            variant="outline"
            data-testid="toast-show"
            onClick={() => toasts.show({ title: "Saved", description: "Your changes are live." })}
          >
            Show a toast
          </Button>
          <Button
            variant="destructive"
            data-testid="toast-error"
            onClick={() =>
              toasts.show({ title: "Could not save", variant: "destructive", duration: 0 })
            }
          >
            Show an error
          </Button>
        </CardContent>
      </Card>
      <Toaster toasts={toasts} />
    </div>
  );
}
