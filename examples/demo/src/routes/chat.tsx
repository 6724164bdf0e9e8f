import {
  type ActionContext,
  computed,
  effect,
  redirect,
  type SubmitEventPayload,
  signal,
  useClientInfo,
} from "vango";
import { chat, guestName, MAX_TEXT, online, say } from "../chat-room.ts";

export const title = "Chat";

/** POST /chat without JavaScript: the message is sent, then back to the page (303). */
export function action({ form }: ActionContext) {
  say(form.get("name") ?? "Guest", form.get("text") ?? "");
  redirect("/chat");
}

/**
 * A chat across tabs and instances: Enter sends, every open tab — on this instance or
 * another one on the same Redis — shows the message, and the list of who is online
 * follows tabs as they open and close. Without JavaScript the form posts.
 */
export default function ChatPage() {
  // A signal, not a constant: session state, so a resumed session keeps its guest name.
  const name = signal(guestName());
  const draft = signal("");
  // Online means a live tab: join once the socket's handshake arrived (a page only
  // rendered — a crawler, JavaScript off — is not someone here), leave with the session.
  const client = useClientInfo();
  const live = computed(() => client() !== undefined);
  effect(() => {
    if (live()) online.join({ name: name.peek() });
  });
  const send = (e: SubmitEventPayload) => {
    say(name.peek(), e.fields.get("text") ?? "");
    draft.set("");
  };
  return () => {
    const members = online.members();
    return (
      <>
        <h2 class="page-title">Chat</h2>
        <p data-testid="chat-online" class="chat-online">
          Online ({members.length}):{" "}
          {members.map((m, i) => (
            <span
              key={m.id}
              data-testid="chat-member"
              class={{ me: m.local && m.meta.name === name() }}
            >
              {i > 0 ? ", " : ""}
              {m.meta.name}
            </span>
          ))}
        </p>
        <ol class="chat-log" aria-live="polite">
          {chat.recent().map((m) => (
            <li key={m.id} data-testid="chat-message">
              <b>{m.value.name}</b>: {m.value.text}
            </li>
          ))}
        </ol>
        <form method="post" data-testid="chat-form" class="chat-form" onSubmit={send}>
          <input type="hidden" name="name" value={name()} />
          <label for="chat-input">
            You are <b>{name()}</b>
          </label>
          <input
            id="chat-input"
            name="text"
            data-testid="chat-input"
            autocomplete="off"
            maxlength={MAX_TEXT}
            placeholder="Say something, then Enter"
            value={draft()}
            onInput={(e) => draft.set(e.value)}
          />
          <button type="submit">Send</button>
        </form>
      </>
    );
  };
}
