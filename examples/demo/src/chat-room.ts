/**
 * The demo's chat, shared by every tab on every instance: the messages are a broadcast
 * topic with the last 100 kept for tabs that open later, and who is online is a
 * presence topic. With `REDIS_URL` both travel over Redis to the other instances;
 * without it they stay in this process.
 */
import { broadcast, presence } from "vango";

export interface ChatLine {
  readonly name: string;
  readonly text: string;
}

/** Longest message the chat takes. */
export const MAX_TEXT = 500;

export const chat = broadcast<ChatLine>("demo.chat", { history: 100 });

export const online = presence<{ readonly name: string }>("demo.chat");

/** Sends `text` as `name` when it is a message worth sending (trimmed, not empty, cut at 500). */
export function say(name: string, text: string): void {
  const t = text.trim().slice(0, MAX_TEXT);
  if (t !== "") chat.send({ name: name.slice(0, 40), text: t });
}

/** A guest name for a new tab: "Guest 1234". */
export function guestName(): string {
  return `Guest ${1000 + Math.floor(Math.random() * 9000)}`;
}
