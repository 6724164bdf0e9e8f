import { signal } from "vango";
import { Button } from "../../ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../ui/card.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { DropdownMenu } from "../../ui/dropdown-menu.tsx";
import { Input } from "../../ui/input.tsx";
import { Popover } from "../../ui/popover.tsx";
import { Switch } from "../../ui/switch.tsx";
import { tooltip } from "../../ui/tooltip.tsx";

/** Dialog, dropdown menu, popover and tooltip: server state, browser behaviour from hooks. */
export function OverlaysCard() {
  const open = signal(false);
  const draft = signal("");
  const name = signal("Untitled");
  const sort = signal("newest");
  const compact = signal(false);
  return () => (
    <Card>
      <CardHeader>
        <CardTitle>Dialog, menu, popover, tooltip</CardTitle>
        <CardDescription>
          Open and closed is server state; focus and placement come from client hooks loaded on
          demand.
        </CardDescription>
      </CardHeader>
      <CardContent class="ui-row">
        <Button
          data-testid="dialog-open"
          onClick={() => {
            draft.set(name());
            open.set(true);
          }}
        >
          Rename…
        </Button>
        <span>
          Name: <strong data-testid="dialog-name">{name()}</strong>
        </span>
        <Dialog
          id="ui-dialog"
          open={open()}
          onOpenChange={(v) => open.set(v)}
          title="Rename the document"
          description="The new name shows everywhere at once."
          footer={
            <>
              <Button variant="ghost" data-testid="dialog-cancel" onClick={() => open.set(false)}>
                Cancel
              </Button>
              <Button
                data-testid="dialog-save"
                onClick={() => {
                  name.set(draft().trim() || "Untitled");
                  open.set(false);
                }}
              >
                Save
              </Button>
            </>
          }
        >
          <Input
            id="ui-dialog-name"
            label="Name"
            value={draft()}
            onInput={(e) => draft.set(e.value)}
            data-testid="dialog-input"
          />
        </Dialog>
        <DropdownMenu
          id="ui-menu"
          label={`Sort: ${sort()}`}
          menuLabel="Sort order"
          items={[
            { key: "newest", label: "Newest first", onSelect: () => sort.set("newest") },
            { key: "oldest", label: "Oldest first", onSelect: () => sort.set("oldest") },
            { key: "archived", label: "Archived", onSelect: () => {}, disabled: true },
            { key: "name", label: "By name", onSelect: () => sort.set("name") },
          ]}
        />
        <Popover id="ui-popover" trigger="View options">
          <Switch
            id="ui-compact"
            label="Compact rows"
            checked={compact()}
            onChange={(e) => compact.set(e.checked === true)}
          />
          <p data-testid="compact-state">Rows: {compact() ? "compact" : "comfortable"}</p>
        </Popover>
        <Button variant="ghost" data-testid="tooltip-button" {...tooltip("Copies the page's link")}>
          Copy link
        </Button>
      </CardContent>
    </Card>
  );
}
